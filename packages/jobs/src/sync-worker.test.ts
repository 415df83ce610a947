import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { startRunner } from "./runner.ts";
import {
  connectShop,
  fastSync,
  queueJob,
  readMirrors,
  readShop,
  startSyncEnvironment,
} from "./sync-testing.ts";
import { createTaskList } from "./tasks.ts";

const shop = "zwei-jobs.myshopify.com";
const { simulator, services, db } = await startSyncEnvironment([
  { domain: shop, seed: 21, products: 6, customers: 8, orders: 10 },
]);

async function statuses(ids: string[]) {
  const result = await db.pool.query<{ status: string }>(
    "SELECT status FROM shopify_sync_jobs WHERE id = ANY($1::uuid[]) ORDER BY status",
    [ids],
  );
  return result.rows.map((row) => row.status);
}

describe("sync jobs under graphile-worker", () => {
  it("runs two syncs of one shop one after the other, both to success", async () => {
    const connection = await connectShop(services, simulator, shop);
    const ids = [
      await queueJob(services, connection, "full_sync"),
      await queueJob(services, connection, "incremental_sync"),
    ];
    const runner = await startRunner({
      connectionString: db.url,
      taskList: createTaskList(services, { ...fastSync, busyDelayMs: 100 }),
      concurrency: 2,
      log: services.log,
      pollInterval: 50,
    });
    try {
      const types = ["full_sync", "incremental_sync"];
      for (const [index, id] of ids.entries()) {
        await db.pool.query(
          "SELECT graphile_worker.add_job($1, json_build_object('syncJobId', $2::text), max_attempts := 5, job_key := $2)",
          [types[index], id],
        );
      }
      for (let waited = 0; waited < 15_000; waited += 50) {
        const now = await statuses(ids);
        if (now.every((status) => status === "succeeded" || status === "failed")) break;
        await sleep(50);
      }
      expect(await statuses(ids)).toEqual(["succeeded", "succeeded"]);
      const attempts = await db.pool.query<{ attempts: number }>(
        "SELECT attempts FROM shopify_sync_jobs WHERE id = ANY($1::uuid[])",
        [ids],
      );
      // The job that found the shop busy waited without spending an attempt.
      expect(attempts.rows.map((row) => row.attempts)).toEqual([1, 1]);
      expect(await readMirrors(services, connection.connectionId)).toEqual(
        await readShop(simulator, shop),
      );
    } finally {
      await runner.stop();
    }
  });
});
