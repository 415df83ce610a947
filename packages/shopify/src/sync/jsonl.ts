import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { isLoopback } from "../env.ts";
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

/** The result link is not one to follow: not https, or redirected to another host. */
export class UnsafeDownloadError extends Error {
  override name = "UnsafeDownloadError";
}

/** How a bulk result file may be downloaded. */
export interface DownloadOptions {
  /** Stops the download, e.g. when its job is cancelled; it then throws the signal's reason. */
  signal?: AbortSignal;
  /** Development and tests (SHOPIFY_API_ORIGIN set): plain http to this machine is accepted. */
  allowLoopbackHttp?: boolean;
  /** Longest wait for the answer's headers. */
  connectTimeoutMs?: number;
  /** Longest wait for the next piece of the body (time spent by the reader is not counted). */
  idleTimeoutMs?: number;
}

export const defaultDownloadOptions = {
  allowLoopbackHttp: false,
  connectTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
} satisfies DownloadOptions;

const maxRedirects = 5;

/** A line of a bulk file: the node, and its text (the node's JSON as Shopify wrote it). */
export interface JsonlLine {
  node: ShopifyNode;
  text: string;
}

const newline = 0x0a;

/**
 * The lines of a bulk operation's JSONL result, parsed while the body streams in and yielded a
 * received chunk at a time, so a file of gigabytes never sits in memory. Throws
 * `TruncatedDownloadError` when the body stops before its declared length, a line is not JSON or
 * the server stalls; lines read before that have been yielded. Only https is fetched, and
 * redirects only within the host (the link is Shopify's: a signed storage URL).
 */
export async function* readJsonl(
  url: string,
  options: DownloadOptions = {},
): AsyncGenerator<JsonlLine[]> {
  const { connectTimeoutMs, idleTimeoutMs, allowLoopbackHttp } = {
    ...defaultDownloadOptions,
    ...options,
  };
  const stalled = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([options.signal, stalled.signal])
    : stalled.signal;
  let timer: NodeJS.Timeout | undefined;
  const waitAtMost = (ms: number, what: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => stalled.abort(new TruncatedDownloadError(`${what} for ${ms} ms`)), ms);
  };
  // Why the download stopped: cancelled, stalled, or cut.
  const failure = (error: unknown) => {
    if (signal.aborted) return signal.reason;
    if (error instanceof TruncatedDownloadError || error instanceof UnsafeDownloadError)
      return error;
    return new TruncatedDownloadError(`download interrupted: ${(error as Error).name}`);
  };
  let input: Readable | undefined;
  try {
    waitAtMost(connectTimeoutMs, "no answer");
    const response = await fetchSameHost(new URL(url), signal, allowLoopbackHttp).catch(
      (error: unknown) => {
        throw failure(error);
      },
    );
    if (response.status >= 400 && response.status < 500) {
      await response.body?.cancel();
      throw new ExpiredResultError(`the result file answered HTTP ${response.status}`);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new TruncatedDownloadError(`the result file answered HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    input = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    let received = 0;
    // The bytes after the chunk's last newline: the start of a line the next chunk ends.
    let partial: Buffer = Buffer.alloc(0);
    try {
      waitAtMost(idleTimeoutMs, "no data");
      for await (const chunk of input as AsyncIterable<Buffer>) {
        received += chunk.length;
        bulkDownloadBytes.inc(chunk.length);
        const last = chunk.lastIndexOf(newline);
        if (last === -1) {
          partial = Buffer.concat([partial, chunk]);
          waitAtMost(idleTimeoutMs, "no data");
          continue;
        }
        // Split at newlines only, which UTF-8 never has inside a character.
        const first = chunk.indexOf(newline);
        const text = `${Buffer.concat([partial, chunk.subarray(0, first)]).toString()}\n${chunk.toString("utf8", first + 1, last)}`;
        partial = chunk.subarray(last + 1);
        clearTimeout(timer);
        yield parseLines(text);
        waitAtMost(idleTimeoutMs, "no data");
      }
    } catch (error) {
      throw failure(error);
    }
    clearTimeout(timer);
    // A last line without a newline of its own.
    if (partial.length > 0) yield parseLines(partial.toString());
    if (Number.isFinite(declared) && received !== declared) {
      throw new TruncatedDownloadError(`received ${received} of ${declared} bytes`);
    }
  } finally {
    clearTimeout(timer);
    input?.destroy();
  }
}

/** GET over https (or loopback http, if allowed), following redirects within the host only. */
async function fetchSameHost(url: URL, signal: AbortSignal, allowLoopbackHttp: boolean) {
  let target = url;
  for (let redirects = 0; ; redirects++) {
    const secure =
      target.protocol === "https:" ||
      (allowLoopbackHttp && target.protocol === "http:" && isLoopback(target));
    if (!secure) throw new UnsafeDownloadError(`a result file over ${target.protocol} is refused`);
    const response = await fetch(target, { redirect: "manual", signal });
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || !location) return response;
    await response.body?.cancel();
    const next = new URL(location, target);
    if (next.host !== url.host) {
      throw new UnsafeDownloadError("the result file redirects to another host");
    }
    if (redirects >= maxRedirects) throw new UnsafeDownloadError("too many redirects");
    target = next;
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
