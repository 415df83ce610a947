import type { Queryable } from "@roestify/db";

/** Which jobs to stop: one job (of an organisation), or every job of a connection. */
export type CancelTarget = { jobId: string; organizationId: string } | { connectionId: string };

/**
 * Ends the target's `queued` and `running` jobs as `cancelled`, in one conditional UPDATE, and
 * removes their graphile-worker jobs through its public `remove_job` (a locked, running one is
 * only kept from retrying). A running task notices at its next write (see the worker's
 * bookkeeping) and stops quietly; rows it wrote stay. Returns the ids of the jobs it ended.
 */
export async function cancelJobs(db: Queryable, target: CancelTarget): Promise<string[]> {
  const cancelled =
    "jobId" in target
      ? await db.query<{ id: string }>(
          `UPDATE shopify_sync_jobs SET status = 'cancelled', finished_at = now()
           WHERE id = $1 AND organization_id = $2 AND status IN ('queued', 'running') RETURNING id`,
          [target.jobId, target.organizationId],
        )
      : await db.query<{ id: string }>(
          `UPDATE shopify_sync_jobs SET status = 'cancelled', finished_at = now()
           WHERE connection_id = $1 AND status IN ('queued', 'running') RETURNING id`,
          [target.connectionId],
        );
  const ids = cancelled.rows.map((row) => row.id);
  // A sync job's graphile-worker job key is its id (see enqueueJob).
  if (ids.length) {
    await db.query("SELECT graphile_worker.remove_job(key) FROM unnest($1::text[]) AS key", [ids]);
  }
  return ids;
}
