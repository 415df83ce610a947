import {
  type JobStatus,
  type JobType,
  type MirrorTable,
  mirrorTables,
  type Queryable,
  transaction,
} from "@roestify/db";
import { adoptVariantSkus, applyShopifyToLedger } from "@roestify/inventory";
import type { Services } from "@roestify/runtime";
import type { SyncRun, SyncState } from "@roestify/shopify";

export interface SyncJobRow {
  id: string;
  connection_id: string;
  type: JobType;
  status: JobStatus;
  progress: Record<string, string>;
  rows_written: Partial<Record<MirrorTable, number>>;
  state: SyncState;
}

export async function loadSyncJob(db: Queryable, id: string): Promise<SyncJobRow | null> {
  const result = await db.query<SyncJobRow>(
    `SELECT id, connection_id, type, status, progress, rows_written, state
     FROM shopify_sync_jobs WHERE id = $1`,
    [id],
  );
  return result.rows[0] ?? null;
}

/**
 * A job that was cancelled while it ran: its next write finds the row no longer `running` and
 * throws this, and the task ends quietly (no retry, no failure, nothing written after).
 */
export class JobCancelledError extends Error {
  override name = "JobCancelledError";
  constructor(id: string) {
    super(`sync job ${id} was cancelled`);
  }
}

/**
 * Throws `JobCancelledError` when a write that needs the job running found it no longer so, and
 * aborts `cancel` (when given) so the sync's other parts stop too.
 */
function stillRunning(
  id: string,
  result: { rowCount: number | null },
  cancel?: AbortController,
): void {
  if (result.rowCount !== 0) return;
  cancel?.abort();
  throw new JobCancelledError(id);
}

export async function markRunning(db: Queryable, id: string, attempt: number): Promise<void> {
  const result = await db.query(
    `UPDATE shopify_sync_jobs
     SET status = 'running', attempts = $2, started_at = COALESCE(started_at, now()), finished_at = NULL
     WHERE id = $1 AND status IN ('queued', 'running')`,
    [id, attempt],
  );
  stillRunning(id, result);
}

/**
 * Records a failed attempt with the sentence people read. `final` (the last attempt, or an error
 * no retry can fix) marks the job failed; otherwise it stays running until graphile-worker's
 * retry picks it up again. A cancelled job stays cancelled.
 */
export async function recordFailure(
  db: Queryable,
  id: string,
  message: string,
  final: boolean,
): Promise<void> {
  await db.query(
    `UPDATE shopify_sync_jobs
     SET last_error = $2,
         status = CASE WHEN $3 THEN 'failed' ELSE status END,
         finished_at = CASE WHEN $3 THEN now() ELSE finished_at END
     WHERE id = $1 AND status = 'running'`,
    [id, message, final],
  );
}

/**
 * An error for the log (never for people): its message without anything secret (tokens like
 * `shpat_…`, query strings of signed result URLs).
 */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message
    .replace(/shp[a-z]{2}_[A-Za-z0-9]+/g, "[redacted]")
    .replace(/(https?:\/\/[^\s?"']+)\?[^\s"']*/g, "$1?[redacted]")
    .slice(0, 2000);
}

/**
 * The job side of a `SyncRun`: state, progress and row counts are written to the job row while it
 * is `running` (a cancelled job's next write aborts `cancel` and throws), and the completion commits the sync's final writes together with the stock ledger's update, `succeeded`
 * and `last_synced_at`.
 */
export function jobBookkeeping(
  services: Services,
  job: SyncJobRow,
  cancel: AbortController,
): Pick<SyncRun, "state" | "saveState" | "wrote" | "progress" | "productsMirrored" | "complete"> {
  const { db } = services;
  const progress = { ...job.progress };
  const rowsWritten = Object.fromEntries(
    mirrorTables.map((table) => [table, job.rows_written[table] ?? 0]),
  ) as Record<MirrorTable, number>;
  const state = job.state;
  // Parts of a sync save concurrently: one write at a time, each with the state as it is then,
  // so an older snapshot can never land after a newer one.
  let saving: Promise<unknown> = Promise.resolve();
  return {
    state,
    saveState() {
      const save = saving.then(async () => {
        const result = await db.pool.query(
          "UPDATE shopify_sync_jobs SET state = $2 WHERE id = $1 AND status = 'running'",
          [job.id, state],
        );
        stillRunning(job.id, result, cancel);
      });
      saving = save.catch(() => {});
      return save.then(() => {});
    },
    wrote(table, count) {
      rowsWritten[table] += count;
    },
    async progress(part, status) {
      progress[part] = status;
      const result = await db.pool.query(
        `UPDATE shopify_sync_jobs SET progress = $2, rows_written = $3
         WHERE id = $1 AND status = 'running'`,
        [job.id, progress, rowsWritten],
      );
      stillRunning(job.id, result, cancel);
    },
    // The stock ledger's SKUs, which the completion would otherwise make in the job's last step.
    productsMirrored: () => adoptVariantSkus(db.pool, job.connection_id),
    async complete(finish) {
      await transaction(db.pool, async (tx) => {
        // Locks the row first: a cancel that came before rolls the completion back, one that
        // comes after waits for it and finds the job finished.
        const running = await tx.query(
          "SELECT 1 FROM shopify_sync_jobs WHERE id = $1 AND status = 'running' FOR UPDATE",
          [job.id],
        );
        stillRunning(job.id, running, cancel);
        await finish(tx);
        // Roestify's stock follows the mirrors: opening balances, sold and cancelled lines.
        await applyShopifyToLedger(tx, job.connection_id);
        await tx.query(
          `UPDATE shopify_sync_jobs
           SET status = 'succeeded', finished_at = now(), progress = $2, rows_written = $3, state = $4
           WHERE id = $1`,
          [job.id, progress, rowsWritten, state],
        );
        if (job.type !== "inventory_push") {
          await tx.query("UPDATE shopify_connections SET last_synced_at = now() WHERE id = $1", [
            job.connection_id,
          ]);
        }
      });
    },
  };
}
