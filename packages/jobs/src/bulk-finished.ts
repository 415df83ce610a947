import type { Logger } from "@roestify/runtime";
import type { BulkFinished } from "@roestify/shopify";
import pg from "pg";

/** The channel webhook processing notifies when `bulk_operations/finish` arrives. */
const channel = "shopify_bulk_operation_finished";

/**
 * Listens (one PostgreSQL session per worker process) for finished bulk operations, so a sync
 * waiting for one polls it at once instead of at its next interval. `finished(id)` resolves
 * when the operation's notification comes, and rejects when its signal aborts.
 */
export async function listenForFinishedBulkOperations(connectionString: string, log: Logger) {
  const waiting = new Map<string, Set<() => void>>();
  const client = new pg.Client({ connectionString });
  client.on("notification", (message) => {
    for (const wake of waiting.get(message.payload ?? "") ?? []) wake();
  });
  // A lost session only costs the early wake-ups: the syncs still poll.
  client.on("error", (error) => log.warn({ err: error.message }, "bulk finish listener failed"));
  await client.connect();
  await client.query(`LISTEN ${channel}`);

  const finished: BulkFinished = (id, signal) =>
    new Promise<void>((resolve, reject) => {
      const wakers = waiting.get(id) ?? new Set();
      waiting.set(id, wakers);
      const done = () => {
        wakers.delete(wake);
        if (!wakers.size) waiting.delete(id);
        signal.removeEventListener("abort", abort);
      };
      const wake = () => {
        done();
        resolve();
      };
      const abort = () => {
        done();
        reject(signal.reason);
      };
      wakers.add(wake);
      signal.addEventListener("abort", abort, { once: true });
    });
  return { finished, close: () => client.end() };
}
