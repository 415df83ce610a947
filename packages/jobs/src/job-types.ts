import { type JobType, jobTypes } from "@roestify/db";
import { z } from "zod";

export { type JobType, jobTypes };

/** The payload of every job task: the `shopify_sync_jobs` row it runs. */
export const syncJobPayload = z.object({ syncJobId: z.uuid() });
export type SyncJobPayload = z.infer<typeof syncJobPayload>;

/** The minutely tick, scheduled by graphile-worker's crontab. */
export const queueTickTask = "shopify_queue_tick";

/** The processing of a stored webhook delivery (`shopify_webhook_events`). */
export const webhookTask = "shopify_webhook";
export const webhookPayload = z.object({ webhookEventId: z.uuid() });

declare global {
  namespace GraphileWorker {
    // graphile-worker types `addJob` and each task's payload from this interface.
    interface Tasks extends Record<JobType, SyncJobPayload> {
      // graphile-worker's crontab adds `_cron` to the payload.
      [queueTickTask]: object;
      [webhookTask]: z.infer<typeof webhookPayload>;
    }
  }
}
