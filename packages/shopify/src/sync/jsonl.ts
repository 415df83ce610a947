import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { ShopifyNode } from "./mirror-rows.ts";

/** The download ended early (reset, short body, a cut last line): read the file again. */
export class TruncatedDownloadError extends Error {
  override name = "TruncatedDownloadError";
}

/** The result link is no longer valid (it expires after seven days): run the query again. */
export class ExpiredResultError extends Error {
  override name = "ExpiredResultError";
}

/**
 * The lines of a bulk operation's JSONL result, parsed one at a time while the body streams in,
 * so a file of gigabytes never sits in memory. Throws `TruncatedDownloadError` when the body stops
 * before its declared length or a line is not JSON; lines read before that have been yielded.
 */
export async function* readJsonl(url: string): AsyncGenerator<ShopifyNode> {
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
  input.on("data", (chunk: Buffer) => {
    received += chunk.length;
  });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      if (line === "") continue;
      let node: ShopifyNode;
      try {
        node = JSON.parse(line) as ShopifyNode;
      } catch {
        throw new TruncatedDownloadError("a line of the result file is not JSON (cut short)");
      }
      yield node;
    }
  } catch (error) {
    if (error instanceof TruncatedDownloadError) throw error;
    throw new TruncatedDownloadError(`download interrupted: ${(error as Error).message}`);
  } finally {
    lines.close();
    input.destroy();
  }
  if (Number.isFinite(declared) && received !== declared) {
    throw new TruncatedDownloadError(`received ${received} of ${declared} bytes`);
  }
}
