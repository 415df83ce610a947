import { parseEnv } from "@roestify/db";
import { z } from "zod";

const schema = z.object({
  /**
   * 8: a sync of a small shop mostly waits for Shopify, so 8 at once did ~20 % more syncs a
   * minute than 4 in `pnpm bench:fleet` at the same memory (docs/BENCHMARKS.md, "Fleet").
   */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(8),
  /** Full syncs run in slots of their own, so a huge shop never holds up the small shops' syncs. */
  WORKER_FULL_SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(8).default(1),
  /** Port of the worker's own `/metrics`; unset, the worker serves none. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /** Address that server binds. */
  HOST: z.string().min(1).default("0.0.0.0"),
});

export type WorkerEnv = z.infer<typeof schema>;

export function readWorkerEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  return parseEnv(schema, source);
}

/**
 * The worker's database sessions: each running job (of either kind of slot) holds its connection
 * lock and needs one more to import (further sessions, for tables in parallel, are taken only
 * when idle), plus two for bookkeeping; at least the pool's usual 10.
 */
export const workerPoolSize = (env: WorkerEnv) =>
  Math.max(10, 2 * (env.WORKER_CONCURRENCY + env.WORKER_FULL_SYNC_CONCURRENCY) + 2);
