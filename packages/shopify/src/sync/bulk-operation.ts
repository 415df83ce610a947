import { setTimeout as sleep } from "node:timers/promises";
import { type AdminClient, ShopifyApiError } from "../admin-client.ts";
import { bulkOperationQuery, bulkOperationRunQueryMutation } from "../documents/index.ts";

/** Resolves when Shopify reports the operation finished (its webhook), if it ever does. */
export type BulkFinished = (id: string, signal: AbortSignal) => Promise<void>;

export interface BulkOperation {
  id: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";
  errorCode: string | null;
  createdAt: string;
  objectCount: string;
  /** Null when the query matched nothing. */
  url: string | null;
}

interface RunQueryPayload {
  bulkOperationRunQuery: {
    bulkOperation: { id: string } | null;
    userErrors: { code: string | null; message: string }[];
  };
}

const finished = new Set(["COMPLETED", "CANCELED", "FAILED", "EXPIRED"]);

/**
 * Starts a bulk query. When the shop's five slots are taken (another app run, or operations of
 * an earlier attempt that are still running) it waits for a free slot instead of failing.
 */
export async function startBulkOperation(
  client: AdminClient,
  query: string,
  options: { pollMs: number; signal: AbortSignal; maxWaits?: number },
): Promise<string> {
  const maxWaits = options.maxWaits ?? 120;
  for (let waits = 0; ; waits++) {
    const { bulkOperationRunQuery: payload } = await client.request<RunQueryPayload>(
      bulkOperationRunQueryMutation,
      { query },
    );
    if (payload.bulkOperation) return payload.bulkOperation.id;
    const busy = payload.userErrors.some((error) => error.code === "OPERATION_IN_PROGRESS");
    const message = payload.userErrors.map((error) => error.message).join("; ");
    if (!busy) throw new ShopifyApiError("permanent", `bulk query refused: ${message}`);
    if (waits >= maxWaits) throw new ShopifyApiError("transient", `no free bulk slot: ${message}`);
    await sleep(options.pollMs * 20, undefined, { signal: options.signal });
  }
}

/**
 * Polls the operation until it has finished, one way or another; null if Shopify forgot it. The
 * interval grows with the time waited (a twentieth of it, between `pollMs` and 40 × `pollMs`), so
 * an operation's end is seen at most ~5 % after it, while a long one is asked rarely (a poll costs
 * one point of the bucket).
 */
export async function awaitBulkOperation(
  client: AdminClient,
  id: string,
  options: { pollMs: number; signal: AbortSignal; finished?: BulkFinished },
): Promise<BulkOperation | null> {
  const started = performance.now();
  for (;;) {
    const { bulkOperation } = await client.request<{ bulkOperation: BulkOperation | null }>(
      bulkOperationQuery,
      { id },
    );
    if (!bulkOperation || finished.has(bulkOperation.status)) return bulkOperation;
    const waited = performance.now() - started;
    const interval = Math.min(40 * options.pollMs, Math.max(options.pollMs, waited / 20));
    // `bulk_operations/finish` ends the wait early.
    const wake = new AbortController();
    const signal = AbortSignal.any([options.signal, wake.signal]);
    const waits: Promise<unknown>[] = [sleep(interval, undefined, { signal })];
    if (options.finished) waits.push(options.finished(id, signal));
    await Promise.race(waits).catch((error: unknown) => {
      if (!wake.signal.aborted) throw error;
    });
    options.signal.throwIfAborted();
    wake.abort();
  }
}
