import {
  type Columns,
  type JobStatus,
  type JobType,
  type MirrorTable,
  mirrorTables,
  type Queryable,
  transaction,
} from "@roestify/db";
import { adoptVariantSkus, applyShopifyToLedger, mirrorRestockSources } from "@roestify/inventory";
import type { Services } from "@roestify/runtime";
import type { AdminClient, SyncRun, SyncState } from "@roestify/shopify";

export type SyncJobRow = Columns<
  "shopify_sync_jobs",
  "id" | "connection_id" | "type" | "status" | "progress" | "rows_written" | "state",
  {
    type: JobType;
    status: JobStatus;
    progress: Record<string, string>;
    rows_written: Partial<Record<MirrorTable, number>>;
    state: SyncState;
  }
>;

export async function loadSyncJob(db: Queryable, id: string): Promise<SyncJobRow | null> {
  const result = await db.query<SyncJobRow>(
    `SELECT id, connection_id, type, status, progress, rows_written, state
     FROM shopify_sync_jobs WHERE id = $1`,
    [id],
  );
  return result.rows[0] ?? null;
}

/**
 * A job that was cancelled (by a user, an uninstall or a disconnect) while it ran: the task ends
 * quietly, without a retry, an error or any further write.
 */
export class JobCancelledError extends Error {
  override name = "JobCancelledError";
  constructor(id: string) {
    super(`job ${id} was cancelled`);
  }
}

/** Marks the job running; a job cancelled meanwhile is not started. */
export async function markRunning(db: Queryable, id: string, attempt: number): Promise<void> {
  const started = await db.query(
    `UPDATE shopify_sync_jobs
     SET status = 'running', attempts = $2, started_at = COALESCE(started_at, now()), finished_at = NULL
     WHERE id = $1 AND status IN ('queued', 'running')`,
    [id, attempt],
  );
  if (!started.rowCount) throw new JobCancelledError(id);
}

/** Whether the job still runs (not cancelled); the cancel watch of a running task asks this. */
export async function isRunning(db: Queryable, id: string): Promise<boolean> {
  const result = await db.query(
    "SELECT 1 FROM shopify_sync_jobs WHERE id = $1 AND status = 'running'",
    [id],
  );
  return result.rowCount === 1;
}

/**
 * Records a failed attempt with the sentence people read. `final` (the last attempt, or an error
 * no retry can fix) marks the job failed; otherwise it stays running until graphile-worker's
 * retry picks it up again.
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
 * The job side of a `SyncRun`: state, progress and row counts are written to the job row, and the
 * completion commits the sync's final writes together with the stock ledger's update, `succeeded`
 * and `last_synced_at`. Every write proceeds only while the row is still `running`: once the job
 * is cancelled, the next one throws `JobCancelledError` and writes nothing.
 */
export function jobBookkeeping(
  services: Services,
  job: SyncJobRow,
  client: AdminClient,
): Pick<
  SyncRun,
  "state" | "saveState" | "wrote" | "progress" | "write" | "productsMirrored" | "complete"
> {
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
      const save = saving.then(() =>
        whileRunning(
          db.pool.query(
            "UPDATE shopify_sync_jobs SET state = $2 WHERE id = $1 AND status = 'running'",
            [job.id, state],
          ),
          job.id,
        ),
      );
      saving = save.catch(() => {});
      return save.then(() => {});
    },
    wrote(table, count) {
      rowsWritten[table] += count;
    },
    async progress(part, status) {
      progress[part] = status;
      await whileRunning(
        db.pool.query(
          `UPDATE shopify_sync_jobs SET progress = $2, rows_written = $3
           WHERE id = $1 AND status = 'running'`,
          [job.id, progress, rowsWritten],
        ),
        job.id,
      );
    },
    write(writes) {
      return transaction(db.pool, async (tx) => {
        await lockRunning(tx, job.id);
        return writes(tx);
      });
    },
    // The stock ledger's SKUs, which the completion would otherwise make in the job's last step.
    productsMirrored: () => adoptVariantSkus(db.pool, job.connection_id),
    async complete(finish) {
      // What the ledger needs beyond the mirrors: the refunds and returns of the orders to book.
      await mirrorRestockSources(db.pool, client, job.connection_id);
      await transaction(db.pool, async (tx) => {
        await lockRunning(tx, job.id);
        await finish(tx);
        // Roestify's stock follows the mirrors: opening balances, sales, cancellations, refunds
        // and edits.
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

/** Throws `JobCancelledError` when a write guarded by `status = 'running'` changed no row. */
async function whileRunning(update: Promise<{ rowCount: number | null }>, id: string) {
  if (!(await update).rowCount) throw new JobCancelledError(id);
}

/**
 * Holds the running job's row (shared lock) for the rest of the transaction: a cancel waits until
 * these writes are committed, and writes after a cancel are refused.
 */
async function lockRunning(tx: Queryable, id: string): Promise<void> {
  await whileRunning(
    tx.query("SELECT 1 FROM shopify_sync_jobs WHERE id = $1 AND status = 'running' FOR SHARE", [
      id,
    ]),
    id,
  );
}
