import { type Columns, type Queryable, typed } from "@roestify/db";
import type { JobType, SyncJobPayload } from "./job-types.ts";

export const maxAttempts = 5;

/**
 * Queues a job for the connection — or, while one of the same type is still queued, returns that
 * one (`created: false`). The row and the graphile-worker job are written in the caller's
 * transaction, so neither exists without the other.
 */
export async function enqueueJob(
  db: Queryable,
  job: {
    organizationId: string;
    connectionId: string;
    type: JobType;
    requestedBy: string;
    /** When the job may start (now when omitted). */
    runAt?: Date;
  },
): Promise<{ jobId: string; created: boolean }> {
  for (;;) {
    const inserted = await db.query<Columns<"shopify_sync_jobs", "id">>(
      `INSERT INTO shopify_sync_jobs (organization_id, connection_id, type, requested_by, max_attempts)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (connection_id, type) WHERE status = 'queued' DO NOTHING
       RETURNING id`,
      [job.organizationId, job.connectionId, job.type, job.requestedBy, maxAttempts],
    );
    const created = inserted.rows[0];
    if (created) {
      // graphile-worker's documented SQL API, so the job commits with the caller's transaction.
      const payload: SyncJobPayload = { syncJobId: created.id };
      await db.query(
        `SELECT graphile_worker.add_job($1, $2::json, max_attempts := $3, job_key := $4,
           run_at := $5)`,
        [job.type, JSON.stringify(payload), maxAttempts, created.id, job.runAt ?? null],
      );
      return { jobId: created.id, created: true };
    }
    const queued = await queuedJob(db, job.connectionId, job.type);
    // The queued job may have started between the two statements: then queue a new one.
    if (queued) return { jobId: queued, created: false };
  }
}

/** The id of the connection's job of this type that waits to start, if there is one. */
export async function queuedJob(
  db: Queryable,
  connectionId: string,
  type: JobType,
): Promise<string | undefined> {
  const queued = await typed(db)
    .selectFrom("shopify_sync_jobs")
    .select("id")
    .where("connection_id", "=", connectionId)
    .where("type", "=", type)
    .where("status", "=", "queued")
    .executeTakeFirst();
  return queued?.id;
}
