import type { Services } from "@roestify/runtime";
import type { TaskList } from "graphile-worker";
import { queueTickTask, webhookPayload, webhookTask } from "./job-types.ts";
import { processWebhookEvent } from "./lifecycle/webhook-processing.ts";
import { type SyncTaskOptions, syncTask } from "./sync-task.ts";
import { runQueueTick } from "./tick.ts";

/** The minutely tick; graphile-worker's crontab schedules it. */
export const crontab = `* * * * * ${queueTickTask} ?max=1`;

/** graphile-worker's tasks; a job's identifier is its `shopify_sync_jobs.type`. */
export function createTaskList(services: Services, options: SyncTaskOptions = {}): TaskList {
  return { ...quickTasks(services, options), ...fullSyncTasks(services, options) };
}

/** The tick, incremental syncs and pushes: minutes at most, whatever the shop. */
export function quickTasks(services: Services, options: SyncTaskOptions = {}): TaskList {
  return {
    async [queueTickTask]() {
      const { enqueued } = await runQueueTick(services);
      services.log.info({ enqueued }, "shopify queue tick");
    },
    /** A stored webhook delivery (see `acceptWebhook`), processed once. */
    async [webhookTask](payload) {
      const { webhookEventId } = webhookPayload.parse(payload);
      await processWebhookEvent(services, webhookEventId);
    },
    incremental_sync: syncTask(services, "incremental_sync", options),
    inventory_push: syncTask(services, "inventory_push", options),
  };
}

/**
 * Full syncs, which take hours on a huge shop: a runner of their own takes them (graphile-worker
 * hands a runner only the tasks it knows), so they never occupy the quick tasks' slots.
 */
export function fullSyncTasks(services: Services, options: SyncTaskOptions = {}): TaskList {
  return { full_sync: syncTask(services, "full_sync", options) };
}
