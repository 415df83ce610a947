import { type Columns, type JobType, transaction } from "@roestify/db";
import { connectionsPendingPush } from "@roestify/inventory";
import type { Services } from "@roestify/runtime";
import { accessTokenFor } from "@roestify/shopify";
import { makeWorkerUtils } from "graphile-worker";
import { enqueueJob, maxAttempts } from "./enqueue.ts";
import { workerLogger } from "./runner.ts";
import { releaseDeadWorkers } from "./worker-liveness.ts";

// Refresh tokens this long before they expire, ahead of the 5 minutes a job would wait for.
const refreshAheadMs = 15 * 60 * 1000;

/**
 * One tick of the queue (every minute from the worker's crontab, or `/cron/shopify-queue`):
 * incremental syncs that are due, tokens that expire soon, jobs of dead workers, housekeeping —
 * then, where given, runs ready jobs until none is left or the deadline passes.
 */
export async function runQueueTick(
  services: Services,
  runJobs?: () => Promise<number>,
): Promise<{ enqueued: number; processed: number }> {
  const enqueued = (await enqueueDueSyncs(services)) + (await enqueuePendingPushes(services));
  await refreshExpiringTokens(services);
  await releaseJobsOfDeadWorkers(services);
  await removeExpiredRows(services);
  const processed = runJobs ? await runJobs() : 0;
  return { enqueued, processed };
}

async function releaseJobsOfDeadWorkers({ db, log }: Services): Promise<void> {
  const utils = await makeWorkerUtils({ pgPool: db.pool, logger: workerLogger(log) });
  try {
    const dead = await releaseDeadWorkers(db.pool, utils);
    if (dead.length) log.warn({ workers: dead }, "released jobs of dead workers");
  } finally {
    await utils.release();
  }
}

/**
 * Incremental syncs for active connections whose last sync is older than SYNC_INTERVAL_MINUTES
 * and that have no sync queued or running — in ONE statement, rows and graphile-worker jobs
 * together (`add_jobs`, its batch API), so a tick costs the same few milliseconds at 10,000
 * connections as at ten. Ticks of several processes at the same minute cannot queue a job twice:
 * the partial unique index on queued jobs lets one insert win and the others do nothing.
 */
export const enqueueDueSyncsSql = `
  WITH due AS (
    SELECT c.id, c.organization_id FROM shopify_connections c
    WHERE c.status = 'active'
      AND (c.last_synced_at IS NULL OR c.last_synced_at < now() - make_interval(mins => $1))
      AND NOT EXISTS (SELECT 1 FROM shopify_sync_jobs j
                      WHERE j.connection_id = c.id AND j.status IN ('queued', 'running')
                        AND j.type IN ('full_sync', 'incremental_sync'))
  ), queued AS (
    INSERT INTO shopify_sync_jobs (organization_id, connection_id, type, requested_by, max_attempts)
    SELECT organization_id, id, 'incremental_sync', 'cron', $2 FROM due
    ON CONFLICT (connection_id, type) WHERE status = 'queued' DO NOTHING
    RETURNING id
  ), added AS (
    SELECT graphile_worker.add_jobs(array_agg(
      ROW('incremental_sync', json_build_object('syncJobId', id::text), NULL, NULL, $2, id::text,
          NULL, NULL)::graphile_worker.job_spec)) AS job
    FROM queued HAVING count(*) > 0
  )
  SELECT (SELECT count(*) FROM queued)::int AS enqueued, (SELECT count(*) FROM added)::int AS added`;

async function enqueueDueSyncs({ db, env }: Services): Promise<number> {
  const result = await db.pool.query<{ enqueued: number }>(enqueueDueSyncsSql, [
    env.SYNC_INTERVAL_MINUTES,
    maxAttempts,
  ]);
  return result.rows[0]?.enqueued ?? 0;
}

/** An inventory push for connections where some SKU's stock is not in Shopify yet. */
async function enqueuePendingPushes(services: Services): Promise<number> {
  return queueForEach(services, await connectionsPendingPush(services.db.pool), "inventory_push");
}

type Connection = Columns<"shopify_connections", "id" | "organization_id">;

/** Queues a job of the type for each connection; returns how many were new (not deduplicated). */
async function queueForEach(
  { db }: Services,
  connections: Connection[],
  type: JobType,
): Promise<number> {
  let enqueued = 0;
  for (const connection of connections) {
    const job = await transaction(db.pool, (tx) =>
      enqueueJob(tx, {
        organizationId: connection.organization_id,
        connectionId: connection.id,
        type,
        requestedBy: "cron",
      }),
    );
    if (job.created) enqueued++;
  }
  return enqueued;
}

/** Rate-limit windows and OAuth states nobody can use any more. */
async function removeExpiredRows({ db }: Services): Promise<void> {
  await db.pool.query("DELETE FROM rate_limits WHERE expire < $1", [Date.now()]);
  await db.pool.query(
    "DELETE FROM shopify_oauth_states WHERE expires_at < now() - interval '1 day'",
  );
}

async function refreshExpiringTokens(services: Services): Promise<void> {
  const { db, shopify, log } = services;
  const expiring = await db.pool.query<Columns<"shopify_connections", "id">>(
    `SELECT id FROM shopify_connections
     WHERE status = 'active' AND refresh_token_encrypted IS NOT NULL
       AND access_token_expires_at < now() + make_interval(secs => $1)`,
    [refreshAheadMs / 1000],
  );
  for (const { id } of expiring.rows) {
    try {
      await accessTokenFor(db, shopify, id, { refreshWithinMs: refreshAheadMs });
    } catch (error) {
      log.warn({ connectionId: id, err: (error as Error).message }, "token refresh failed");
    }
  }
}
