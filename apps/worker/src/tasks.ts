import { processWebhookEvent, runQueueTick, type Services } from "@roestify/api";
import type { TaskList } from "graphile-worker";
import { z } from "zod";
import { type SyncTaskOptions, syncTask } from "./sync-task.ts";

/** The minutely tick; graphile-worker's crontab schedules it. */
export const crontab = "* * * * * shopify_queue_tick ?max=1";

const webhookPayload = z.object({ webhookEventId: z.uuid() });

/** graphile-worker's tasks; a job's identifier is its `shopify_sync_jobs.type`. */
export function createTaskList(services: Services, options: SyncTaskOptions = {}): TaskList {
  return {
    async shopify_queue_tick() {
      const { enqueued } = await runQueueTick(services);
      services.log.info({ enqueued }, "shopify queue tick");
    },
    /** A stored webhook delivery (see `acceptWebhook`), processed once. */
    async shopify_webhook(payload) {
      const { webhookEventId } = webhookPayload.parse(payload);
      await processWebhookEvent(services, webhookEventId);
    },
    full_sync: syncTask(services, "full_sync", options),
    incremental_sync: syncTask(services, "incremental_sync", options),
    inventory_push: syncTask(services, "inventory_push", options),
  };
}
