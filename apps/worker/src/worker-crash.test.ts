import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { runQueueTick } from "@roestify/jobs";
import {
  adminRequest,
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
const deployed = "neue-version.myshopify.com";
const { simulator, services, db } = await startSyncEnvironment([
  { domain: shop, seed: 31, products: 40, customers: 60, orders: 120, locations: 2 },
  { domain: deployed, seed: 32, products: 20, customers: 20, orders: 40, locations: 1 },
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
      LOG_LEVEL: process.env.DEBUG_WORKER ? "info" : "silent",
      WORKER_CONCURRENCY: "1",
    },
    stdio: process.env.DEBUG_WORKER ? "inherit" : "ignore",
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
  });
});

describe("a worker stopped with SIGTERM in the middle of a full sync (a deploy)", () => {
  it("hands the job over; another worker process resumes it without downloading what was written again", async () => {
    // Only the workers of this test run.
    const running = workers.filter((worker) => worker.exitCode === null && !worker.signalCode);
    for (const worker of running) {
      worker.kill("SIGTERM");
      await once(worker, "exit");
    }
    const connection = await connectShop(services, simulator, deployed);
    // The worker's minutely tick may queue an inventory push meanwhile; paused, it leaves the
    // shop's stock as the mirrors are compared with.
    await db.pool.query(
      "UPDATE shopify_connections SET inventory_push_enabled = false WHERE id = $1",
      [connection.connectionId],
    );
    // Another app holds four of the shop's five bulk slots: the sync's parts take turns at the
    // fifth (each waiting part asks again every 5 s), and the worker is stopped once one is
    // written, with more left than its 5 s of grace can finish.
    const token = simulator.createAccessToken(deployed).access_token;
    simulator.updateShop(deployed, { bulkDelayMs: 600_000 });
    const taken: string[] = [];
    for (let slot = 0; slot < 4; slot++) {
      const data = await adminRequest(
        simulator,
        deployed,
        token,
        `mutation { bulkOperationRunQuery(query: "{ products { edges { node { id } } } }", groupObjects: false) {
           bulkOperation { id } } }`,
      );
      taken.push(
        (data.bulkOperationRunQuery as { bulkOperation: { id: string } }).bulkOperation.id,
      );
    }
    // Once RUNNING, an operation has taken its delay; the sync's own then run without one.
    for (const operation of taken) {
      await until(async () => {
        const data = await adminRequest(
          simulator,
          deployed,
          token,
          "query($id: ID!) { bulkOperation(id: $id) { status } }",
          { id: operation },
        );
        return (data.bulkOperation as { status: string }).status === "RUNNING";
      }, 10_000);
    }
    simulator.updateShop(deployed, { bulkDelayMs: 0 });
    const jobId = await queueJob(services, connection, "full_sync");
    await db.pool.query(
      "SELECT graphile_worker.add_job('full_sync', json_build_object('syncJobId', $1::text), max_attempts := 5, job_key := $1)",
      [jobId],
    );
    const old = startWorker();
    let written: string[] = [];
    await until(async () => {
      const parts = Object.values((await jobRow(services, jobId)).state.bulk ?? {}) as {
        id: string | null;
        imported?: boolean;
      }[];
      written = parts.filter((part) => part.imported).map((part) => part.id as string);
      return written.length > 0;
    }, 30_000);
    const replacement = startWorker();
    old.kill("SIGTERM");
    const [code] = await once(old, "exit");
    expect(code).toBe(0);
    expect(await jobRow(services, jobId)).toMatchObject({ status: "running", attempts: 1 });
    for (const operation of taken) {
      await adminRequest(
        simulator,
        deployed,
        token,
        "mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id } } }",
        { id: operation },
      );
    }
    await until(async () => (await jobRow(services, jobId)).status !== "running", 120_000);
    replacement.kill("SIGTERM");
    await once(replacement, "exit");

    expect(await jobRow(services, jobId)).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(await readMirrors(services, connection.connectionId)).toEqual(
      await readShop(simulator, deployed),
    );
    // The parts written before the stop were not downloaded again (a part cut off in the middle
    // of its download is); the other parts ran once they had a slot.
    const downloads = simulator
      .requests({ shop: deployed })
      .filter((entry) => entry.path.startsWith("/_bulk/"))
      .map((entry) => entry.path);
    expect(new Set(downloads).size).toBe(4);
    for (const id of written) {
      const file = `/_bulk/${id.split("/").pop()}.jsonl`;
      expect(downloads.filter((path) => path === file)).toHaveLength(1);
    }
  }, 240_000);
});
