import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { bulkDownloadBytes } from "../metrics.ts";
import type { ShopifyNode } from "./mirror-rows.ts";

/** The download ended early (reset, short body, a cut last line): read the file again. */
export class TruncatedDownloadError extends Error {
  override name = "TruncatedDownloadError";
}

/** The result link is no longer valid (it expires after seven days): run the query again. */
export class ExpiredResultError extends Error {
  override name = "ExpiredResultError";
}

/** A line of a bulk file: the node, and its text (the node's JSON as Shopify wrote it). */
export interface JsonlLine {
  node: ShopifyNode;
  text: string;
}

const newline = 0x0a;

/**
 * The lines of a bulk operation's JSONL result, parsed while the body streams in and yielded a
 * received chunk at a time, so a file of gigabytes never sits in memory. Throws
 * `TruncatedDownloadError` when the body stops before its declared length or a line is not JSON;
 * lines read before that have been yielded.
 */
export async function* readJsonl(url: string): AsyncGenerator<JsonlLine[]> {
  // The URL is Shopify's own (a signed storage link): fetched as given, never logged.
  const response = await fetch(url).catch((error: Error) => {
    throw new TruncatedDownloadError(`download failed: ${error.name}`);
  });
  if (response.status >= 400 && response.status < 500) {
    await response.body?.cancel();
    throw new ExpiredResultError(`the result file answered HTTP ${response.status}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new TruncatedDownloadError(`the result file answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  const input = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  let received = 0;
  // The bytes after the chunk's last newline: the start of a line the next chunk ends.
  let partial: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      received += chunk.length;
      bulkDownloadBytes.inc(chunk.length);
      const last = chunk.lastIndexOf(newline);
      if (last === -1) {
        partial = Buffer.concat([partial, chunk]);
        continue;
      }
      // Split at newlines only, which UTF-8 never has inside a character.
      const first = chunk.indexOf(newline);
      const text = `${Buffer.concat([partial, chunk.subarray(0, first)]).toString()}\n${chunk.toString("utf8", first + 1, last)}`;
      partial = chunk.subarray(last + 1);
      yield parseLines(text);
    }
  } catch (error) {
    if (error instanceof TruncatedDownloadError) throw error;
    throw new TruncatedDownloadError(`download interrupted: ${(error as Error).message}`);
  } finally {
    input.destroy();
  }
  // A last line without a newline of its own.
  if (partial.length > 0) yield parseLines(partial.toString());
  if (Number.isFinite(declared) && received !== declared) {
    throw new TruncatedDownloadError(`received ${received} of ${declared} bytes`);
  }
}

function parseLines(text: string): JsonlLine[] {
  const lines: JsonlLine[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    try {
      lines.push({ node: JSON.parse(line) as ShopifyNode, text: line });
    } catch {
      throw new TruncatedDownloadError("a line of the result file is not JSON (cut short)");
    }
  }
  return lines;
}
