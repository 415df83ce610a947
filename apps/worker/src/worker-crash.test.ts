import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { runQueueTick } from "@roestify/jobs";
import {
  connectShop,
  jobRow,
  queueJob,
  readMirrors,
  readShop,
  startSyncEnvironment,
  testSecrets,
} from "@roestify/jobs/testing";
import { afterAll, describe, expect, it } from "vitest";
import { workerNodeFlags } from "./node-flags.ts";

const shop = "absturz-roesterei.myshopify.com";
const { simulator, services, db } = await startSyncEnvironment([
  { domain: shop, seed: 31, products: 40, customers: 60, orders: 120, locations: 2 },
]);
// Bulk operations stay RUNNING long enough to kill the worker in the middle of the sync.
simulator.updateShop(shop, { bulkDelayMs: 2500 });

const workers: ChildProcess[] = [];
afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill("SIGKILL");
});

/** The real worker process (`pnpm --filter @roestify/worker start`) on the test database. */
function startWorker() {
  const main = fileURLToPath(new URL("./main.ts", import.meta.url));
  const worker = spawn(process.execPath, [...workerNodeFlags, main], {
    env: {
      PATH: process.env.PATH ?? "",
      ...testSecrets,
      DATABASE_URL: db.url,
      SHOPIFY_API_ORIGIN: simulator.url,
      LOG_LEVEL: "silent",
      WORKER_CONCURRENCY: "1",
    },
    stdio: "ignore",
  });
  workers.push(worker);
  return worker;
}

async function until(check: () => Promise<boolean>, timeoutMs: number) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
    if (await check()) return;
  }
  throw new Error("timed out");
}

describe("a worker killed in the middle of a full sync", () => {
  it("is replaced, the job resumes, and the mirrors end identical without duplicates", async () => {
    const connection = await connectShop(services, simulator, shop);
    const jobId = await queueJob(services, connection, "full_sync");
    await db.pool.query(
      "SELECT graphile_worker.add_job('full_sync', json_build_object('syncJobId', $1::text), max_attempts := 5, job_key := $1)",
      [jobId],
    );
    const first = startWorker();
    await until(async () => {
      const job = await jobRow(services, jobId);
      const started = Object.values(job.state.bulk ?? {}) as { id: string | null }[];
      return started.length === 4 && started.every((entry) => entry.id);
    }, 20_000);
    // While the worker lives, a tick leaves its job alone, however long it has been running.
    await runQueueTick(services);
    const locked = await db.pool.query("SELECT locked_by FROM graphile_worker.jobs");
    expect(locked.rows[0]?.locked_by).toMatch(/^pool-/);
    first.kill("SIGKILL");
    await once(first, "exit");

    // The dead worker's liveness lock is gone at once; a tick (minutely, or /cron/shopify-queue)
    // releases its job.
    startWorker();
    await runQueueTick(services);
    await until(async () => (await jobRow(services, jobId)).status !== "running", 30_000);

    const job = await jobRow(services, jobId);
    expect(job).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(await readMirrors(services, connection.connectionId)).toEqual(
      await readShop(simulator, shop),
    );
    // The second attempt resumed the first attempt's bulk operations instead of starting new ones.
    const started = simulator
      .requests({ shop })
      .filter((entry) => entry.operationName === "BulkOperationRunQuery" && entry.status === 200);
    expect(started).toHaveLength(4);
    // Two worker processes start and a full sync runs: on a busy machine that takes over 30 s.
  }, 90_000);
});
