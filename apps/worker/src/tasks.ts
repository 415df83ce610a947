import type { Services } from "@roestify/api";
import type { TaskList } from "graphile-worker";

/** The minutely tick; graphile-worker's crontab schedules it. */
export const crontab = "* * * * * shopify_queue_tick ?max=1";

export function createTaskList({ log }: Services): TaskList {
  return {
    async shopify_queue_tick() {
      log.info("shopify queue tick");
    },
  };
}
