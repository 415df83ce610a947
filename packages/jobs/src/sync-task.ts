import type { Database, JobType } from "@roestify/db";
import { runInventoryPush } from "@roestify/inventory";
import type { Services } from "@roestify/runtime";
import {
  type BulkFinished,
  createAdminClient,
  defaultSyncSettings,
  jobAccessToken,
  markReauthRequired,
  ReauthRequiredError,
  runFullSync,
  runIncrementalSync,
  ShopifyApiError,
  type SyncRun,
  type SyncSettings,
} from "@roestify/shopify";
import type { Task } from "graphile-worker";
import { failureMessage } from "./failure-message.ts";
import { syncJobPayload } from "./job-types.ts";
import { jobDuration } from "./metrics.ts";
import {
  describeError,
  isRunning,
  JobCancelledError,
  jobBookkeeping,
  loadSyncJob,
  markRunning,
  recordFailure,
} from "./sync-job.ts";

export interface SyncTaskOptions {
  settings?: Partial<SyncSettings>;
  /** How long a job waits when another sync of its connection is running. */
  busyDelayMs?: number;
  /** Retries of the Admin API client per request (tests shorten them). */
  client?: { maxRetries?: number; retryBaseMs?: number };
  /** How often a running job looks whether it was cancelled, besides at each of its writes. */
  cancelCheckMs?: number;
  /** Ends a wait for a bulk operation when its `bulk_operations/finish` webhook arrives. */
  bulkFinished?: BulkFinished;
}

/**
 * Aborts when the job's row is no longer `running` (cancelled): a job waiting for a bulk
 * operation or for Shopify notices it within `intervalMs`, not only at its next write.
 */
function watchCancellation(db: Database, jobId: string, intervalMs: number) {
  const cancelled = new AbortController();
  const timer = setInterval(() => {
    isRunning(db.pool, jobId)
      .then((running) => {
        if (!running) cancelled.abort(new JobCancelledError(jobId));
      })
      .catch(() => {});
  }, intervalMs);
  return { signal: cancelled.signal, stop: () => clearInterval(timer) };
}

const syncs: Record<JobType, (run: SyncRun) => Promise<void>> = {
  full_sync: runFullSync,
  incremental_sync: runIncrementalSync,
  inventory_push: runInventoryPush,
};

/**
 * A session advisory lock per connection, held on its own pooled connection for the whole sync:
 * one sync at a time per shop, across all worker processes. It is released when the sync ends or
 * when its database session dies with a crashed worker.
 */
async function lockConnection(db: Database, connectionId: string) {
  const session = await db.pool.connect();
  const key = [connectionId];
  const locked = await session
    .query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock(hashtext('shopify_sync'), hashtext($1)) AS locked",
      key,
    )
    .then((result) => result.rows[0]?.locked === true)
    .catch((error: unknown) => {
      session.release(true);
      throw error;
    });
  if (!locked) {
    session.release();
    return null;
  }
  return async () => {
    const unlocked = await session
      .query("SELECT pg_advisory_unlock(hashtext('shopify_sync'), hashtext($1))", key)
      .then(() => true)
      .catch(() => false);
    // A session whose unlock failed is closed, which releases the lock too.
    session.release(!unlocked);
  };
}

/** Errors no retry can fix: fail the job now instead of spending its attempts. */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof ReauthRequiredError ||
    (error instanceof ShopifyApiError && error.kind !== "transient")
  );
}

/**
 * The graphile-worker task of a sync job (`full_sync` or `incremental_sync`, payload
 * `{syncJobId}`): it keeps the `shopify_sync_jobs` row up to date and lets graphile-worker retry
 * transient failures (5 attempts, exponential backoff).
 */
export function syncTask<Type extends JobType>(
  services: Services,
  type: Type,
  options: SyncTaskOptions = {},
): Task<Type> {
  const { db, log } = services;
  const settings = {
    ...defaultSyncSettings,
    // A simulator on this machine serves its result files over http.
    download: {
      ...defaultSyncSettings.download,
      allowLoopbackHttp: services.shopify.SHOPIFY_API_ORIGIN !== undefined,
    },
    ...options.settings,
  };
  return async (payload, helpers) => {
    const { syncJobId } = syncJobPayload.parse(payload);
    const job = await loadSyncJob(db.pool, syncJobId);
    if (!job || !["queued", "running"].includes(job.status)) {
      log.info(
        { syncJobId, status: job?.status ?? "missing" },
        "sync job already finished, skipped",
      );
      return;
    }
    const unlock = await lockConnection(db, job.connection_id);
    if (!unlock) {
      // Another sync of this shop runs: this job is queued again for later under the same key,
      // as a new graphile job, so waiting costs none of its attempts.
      await helpers.addJob(type, payload, {
        jobKey: syncJobId,
        runAt: new Date(Date.now() + (options.busyDelayMs ?? 30_000)),
        maxAttempts: helpers.job.max_attempts,
      });
      log.info({ syncJobId }, "another sync of the connection is running, job postponed");
      return;
    }
    const cancellation = watchCancellation(db, job.id, options.cancelCheckMs ?? 1000);
    const attemptEnded = jobDuration.startTimer({ type });
    try {
      await markRunning(db.pool, job.id, helpers.job.attempts);
      const connection = await db.sql
        .selectFrom("shopify_connections")
        .select("shop")
        .where("id", "=", job.connection_id)
        .executeTakeFirst();
      const shop = connection?.shop as string;
      const client = createAdminClient({
        env: services.shopify,
        shop,
        accessToken: jobAccessToken(db, services.shopify, job.connection_id),
        log,
        ...options.client,
      });
      await syncs[type]({
        db,
        client,
        connectionId: job.connection_id,
        settings,
        bulkFinished: options.bulkFinished,
        signal: AbortSignal.any([helpers.abortSignal, cancellation.signal]),
        log,
        ...jobBookkeeping(services, job, client),
      });
      attemptEnded({ outcome: "succeeded" });
      log.info({ syncJobId, type }, "sync job succeeded");
    } catch (error) {
      // Cancelled: whatever failed after that (an aborted wait, a refused token) is no failure.
      if (
        error instanceof JobCancelledError ||
        cancellation.signal.aborted ||
        !(await isRunning(db.pool, job.id))
      ) {
        attemptEnded({ outcome: "cancelled" });
        log.info({ syncJobId, type }, "sync job cancelled, stopped");
        return;
      }
      const permanent = isPermanent(error);
      if (error instanceof ShopifyApiError && error.kind === "auth") {
        await markReauthRequired(db.pool, job.connection_id);
      }
      const final = permanent || helpers.job.attempts >= helpers.job.max_attempts;
      const interrupted = helpers.abortSignal.aborted;
      attemptEnded({ outcome: interrupted ? "interrupted" : final ? "failed" : "retried" });
      await recordFailure(db.pool, job.id, failureMessage(error, { final, interrupted }), final);
      log.warn(
        { syncJobId, type, attempt: helpers.job.attempts, final, err: describeError(error) },
        interrupted ? "sync job interrupted by shutdown" : "sync job failed",
      );
      if (!permanent) throw error;
    } finally {
      cancellation.stop();
      await unlock();
    }
  };
}
