import { setTimeout as sleep } from "node:timers/promises";
import { createTaskList, runJobsUntilIdle } from "@roestify/jobs";
import type { Services } from "@roestify/runtime";

/**
 * Runs the queue as a worker would (webhook processing, syncs) until no job is left, including
 * those due a little later (coalesced syncs), for at most `deadlineMs`.
 */
export async function drainQueue(services: Services, deadlineMs = 60_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  const taskList = createTaskList(services, {
    settings: { bulkPollMs: 10 },
    client: { retryBaseMs: 5 },
    busyDelayMs: 200,
    cancelCheckMs: 100,
  });
  while (Date.now() < deadline) {
    await runJobsUntilIdle({
      connectionString: services.db.url,
      taskList,
      log: services.log,
      deadlineMs: deadline - Date.now(),
    });
    const left = await services.db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE attempts < max_attempts",
    );
    if (left.rows[0]?.n === 0) return;
    await sleep(100);
  }
  throw new Error("the queue did not drain in time");
}
