import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
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
  until,
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
      LOG_LEVEL: "silent",
      WORKER_CONCURRENCY: "1",
    },
    stdio: "ignore",
  });
  workers.push(worker);
  return worker;
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

describe("a worker stopped with SIGTERM in the middle of a full sync (a deploy)", () => {
  it("hands the job over; another worker process resumes it without downloading what was written again", async () => {
    // Only the workers of this test run.
    for (const worker of workers.filter((each) => each.exitCode === null && !each.signalCode)) {
      worker.kill("SIGTERM");
      await once(worker, "exit");
    }
    const connection = await connectShop(services, simulator, deployed);
    // The workers' minutely tick may queue an inventory push meanwhile; paused, it leaves the
    // shop's stock as the mirrors are compared with.
    await db.pool.query(
      "UPDATE shopify_connections SET inventory_push_enabled = false WHERE id = $1",
      [connection.connectionId],
    );
    const token = simulator.createAccessToken(deployed).access_token;
    const operation = async (id: string, mutation?: "cancel") => {
      const data = await adminRequest(
        simulator,
        deployed,
        token,
        mutation
          ? "mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id } } }"
          : "query($id: ID!) { bulkOperation(id: $id) { status } }",
        { id },
      );
      return (data.bulkOperation as { status: string } | undefined)?.status;
    };
    const parts = async () =>
      Object.values((await jobRow(services, jobId)).state.bulk ?? {}) as {
        id: string | null;
        imported?: boolean;
      }[];
    // The sync's four bulk operations stay RUNNING (for minutes) until the test cancels them;
    // a cancelled one is run again, then without a delay.
    simulator.updateShop(deployed, { bulkDelayMs: 600_000 });
    const jobId = await queueJob(services, connection, "full_sync");
    await db.pool.query(
      "SELECT graphile_worker.add_job('full_sync', json_build_object('syncJobId', $1::text), max_attempts := 5, job_key := $1)",
      [jobId],
    );
    const old = startWorker();
    let running: string[] = [];
    await until(async () => {
      running = (await parts()).flatMap((part) => (part.id ? [part.id] : []));
      if (running.length < 4) return false;
      const statuses = await Promise.all(running.map((id) => operation(id)));
      return statuses.every((status) => status === "RUNNING");
    }, 60_000);
    // One part is written; three still run, far longer than the 5 s a stopping worker waits.
    simulator.updateShop(deployed, { bulkDelayMs: 0 });
    const [cancelled, ...stillRunning] = running;
    await operation(cancelled as string, "cancel");
    let written: string[] = [];
    await until(async () => {
      written = (await parts()).flatMap((part) => (part.imported ? [part.id as string] : []));
      return written.length === 1;
    }, 60_000);
    const replacement = startWorker();
    old.kill("SIGTERM");
    const [code] = await once(old, "exit");
    expect(code).toBe(0);
    expect(await jobRow(services, jobId)).toMatchObject({ status: "running", attempts: 1 });

    // The replacement finds the three operations cancelled meanwhile and runs them again.
    for (const id of stillRunning) await operation(id, "cancel");
    await until(async () => (await jobRow(services, jobId)).status !== "running", 120_000);
    replacement.kill("SIGTERM");
    await once(replacement, "exit");

    expect(await jobRow(services, jobId)).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(await readMirrors(services, connection.connectionId)).toEqual(
      await readShop(simulator, deployed),
    );
    // The part written before the stop was downloaded once; each other part once, after it ran
    // again (a cancelled operation has no file).
    const downloads = simulator
      .requests({ shop: deployed })
      .filter((entry) => entry.path.startsWith("/_bulk/"))
      .map((entry) => entry.path);
    expect(new Set(downloads).size).toBe(4);
    const file = `/_bulk/${written[0]?.split("/").pop()}.jsonl`;
    expect(downloads.filter((path) => path === file)).toHaveLength(1);
    // Process starts and a full sync in two workers: generous on a loaded machine.
  }, 240_000);
});
