import { setTimeout as sleep } from "node:timers/promises";
import type { Logger, Services } from "@roestify/runtime";
import type { TaskList } from "graphile-worker";
import pg from "pg";
import { startRunner } from "./runner.ts";
import { createTaskList } from "./tasks.ts";
import { runQueueTick } from "./tick.ts";

/**
 * Runs ready jobs in this process until none is left or `deadlineMs` has passed, for the cron
 * endpoint (a deployment without a long-running worker). Returns how many jobs ran.
 */
export async function runJobsUntilIdle(options: {
  connectionString: string;
  taskList: TaskList;
  log: Logger;
  deadlineMs: number;
}): Promise<number> {
  const deadline = Date.now() + options.deadlineMs;
  const runner = await startRunner({ ...options, concurrency: 1, pollInterval: 500 });
  let running = 0;
  let processed = 0;
  runner.events.on("job:start", () => running++);
  runner.events.on("job:complete", () => {
    running--;
    processed++;
  });
  const db = new pg.Client({ connectionString: options.connectionString });
  await db.connect();
  try {
    while (Date.now() < deadline) {
      await sleep(200);
      const ready = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM graphile_worker.jobs
         WHERE run_at <= now() AND locked_at IS NULL AND attempts < max_attempts
           AND task_identifier = ANY($1)`,
        [Object.keys(options.taskList)],
      );
      if (running === 0 && ready.rows[0]?.n === 0) break;
    }
  } finally {
    await db.end();
    await runner.stop();
  }
  return processed;
}

/**
 * One queue tick, then ready jobs in this process until none is left or `deadlineMs` has passed:
 * the cron endpoint's work, for a deployment without a long-running worker.
 */
export function runQueueTickAndJobs(services: Services, deadlineMs: number) {
  return runQueueTick(services, () =>
    runJobsUntilIdle({
      connectionString: services.db.url,
      taskList: createTaskList(services),
      log: services.log,
      deadlineMs,
    }),
  );
}
