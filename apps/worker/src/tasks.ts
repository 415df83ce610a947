import { runQueueTick, type Services } from "@roestify/api";
import type { TaskList } from "graphile-worker";
import { type SyncTaskOptions, syncTask } from "./sync-task.ts";

/** The minutely tick; graphile-worker's crontab schedules it. */
export const crontab = "* * * * * shopify_queue_tick ?max=1";

/** graphile-worker's tasks; a job's identifier is its `shopify_sync_jobs.type`. */
export function createTaskList(services: Services, options: SyncTaskOptions = {}): TaskList {
  return {
    async shopify_queue_tick() {
      const { enqueued } = await runQueueTick(services);
      services.log.info({ enqueued }, "shopify queue tick");
    },
    full_sync: syncTask(services, "full_sync", options),
    incremental_sync: syncTask(services, "incremental_sync", options),
    inventory_push: syncTask(services, "inventory_push", options),
  };
}
