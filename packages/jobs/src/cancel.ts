import type { Columns, Queryable } from "@roestify/db";

/** Which jobs to cancel: one job, or every job of a connection (uninstall, disconnect). */
export type CancelTarget = { jobId: string } | { connectionId: string };

/** A cancelled job and the status it had. */
type Cancelled = Columns<"shopify_sync_jobs", "id"> & { previous: "queued" | "running" };

/**
 * Cancels queued and running jobs in one conditional UPDATE. A queued job's graphile-worker job
 * is removed too (its public `remove_job`, by the job key `enqueueJob` gave it); a running one
 * stops at its next step, because every write of the task proceeds only while its row is still
 * `running` (see the worker's job bookkeeping). Returns the jobs cancelled.
 */
export async function cancelJobs(db: Queryable, target: CancelTarget): Promise<Cancelled[]> {
  const [column, value] =
    "jobId" in target ? ["id", target.jobId] : ["connection_id", target.connectionId];
  const cancelled = await db.query<Cancelled>(
    `WITH target AS (
       SELECT id, status FROM shopify_sync_jobs
       WHERE ${column} = $1 AND status IN ('queued', 'running')
       FOR UPDATE
     )
     UPDATE shopify_sync_jobs j SET status = 'cancelled', finished_at = now()
     FROM target WHERE j.id = target.id
     RETURNING j.id, target.status AS previous`,
    [value],
  );
  // A running job's graphile job is locked: remove_job then only keeps it from running again.
  if (cancelled.rows.length) {
    await db.query("SELECT graphile_worker.remove_job(id::text) FROM unnest($1::uuid[]) AS id", [
      cancelled.rows.map((row) => row.id),
    ]);
  }
  return cancelled.rows;
}
