/**
 * Two web and three worker processes (the real `main.ts` of each) on one database: what several
 * processes share lives in PostgreSQL, so rate limits, plan quotas, "one queued job of a type per
 * connection", "one sync of a connection at a time" and the tick hold across them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { connectShop, startSyncEnvironment, testSecrets, until } from "@roestify/jobs/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUserToken } from "./testing.ts";

const quotaShop = "kontingent-roesterei.myshopify.com";
const limitShop = "takt-roesterei.myshopify.com";
const lockShop = "schloss-roesterei.myshopify.com";
const tickShops = Array.from({ length: 8 }, (_, n) => `tick-${n}-roesterei.myshopify.com`);
const small = { products: 2, customers: 2, orders: 3, locations: 1 };
const { simulator, services, db } = await startSyncEnvironment([
  { domain: quotaShop, seed: 41, ...small },
  { domain: limitShop, seed: 42, ...small },
  // Its full sync's bulk operations take a while: a second sync of the shop comes meanwhile.
  { domain: lockShop, seed: 43, products: 6, customers: 6, orders: 8, bulkDelayMs: 1500 },
  ...tickShops.map((domain, n) => ({ domain, seed: 50 + n, ...small })),
]);
const connections = new Map<string, { organizationId: string; connectionId: string }>();
for (const shop of [quotaShop, limitShop, lockShop, ...tickShops]) {
  connections.set(shop, await connectShop(services, simulator, shop));
}
const connectionOf = (shop: string) =>
  connections.get(shop) as { organizationId: string; connectionId: string };
for (const shop of tickShops) simulator.setFaults(shop, { slow: 1, slowMs: 600 });
// Synced just now: only what a scenario asks for runs.
await db.pool.query("UPDATE shopify_connections SET last_synced_at = now()");
await db.pool.query("UPDATE organizations SET plan = 'business' WHERE id <> $1", [
  connectionOf(quotaShop).organizationId,
]);

interface Process {
  child: ChildProcess;
  /** pino's JSON lines, as written so far. */
  lines: { msg: string; time: number; [key: string]: unknown }[];
}
const processes: Process[] = [];

/** Starts `main` with the test database and simulator; resolves once it logged `ready`. */
async function startProcess(main: string, env: Record<string, string>, ready: RegExp) {
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH ?? "",
      ...testSecrets,
      DATABASE_URL: db.url,
      SHOPIFY_API_ORIGIN: simulator.url,
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const started: Process = { child, lines: [] };
  processes.push(started);
  const readyLine = new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${main} exited with ${code} before ready`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (text) => {
      const line = JSON.parse(text);
      started.lines.push(line);
      if (ready.test(line.msg)) resolve(line.msg);
    });
  });
  return { ...started, ready: await readyLine };
}

const webMain = fileURLToPath(new URL("./main.ts", import.meta.url));
// The worker app's entry point (`pnpm --filter @roestify/worker start`), by path: apps do not
// depend on one another; its memory flags do not matter here.
const workerMain = fileURLToPath(new URL("../../worker/src/main.ts", import.meta.url));
let webs: string[] = [];
// A session of the test's own that holds a shop's sync lock, as a running sync would.
const lockHolder = await db.pool.connect();

beforeAll(async () => {
  // All five start at once, as a deploy starts them; each applies migrations under a lock.
  const started = await Promise.all([
    ...[0, 1].map(() =>
      startProcess(webMain, { PORT: "0", HOST: "127.0.0.1" }, /^web listening on /),
    ),
    ...[0, 1, 2].map(() =>
      startProcess(workerMain, { WORKER_CONCURRENCY: "2" }, /^worker running$/),
    ),
  ]);
  webs = started.slice(0, 2).map((web) => `http://${web.ready.replace(/^web listening on /, "")}`);
}, 60_000);

afterAll(async () => {
  lockHolder.release();
  await Promise.all(
    processes
      .filter(({ child }) => child.exitCode === null)
      .map(async ({ child }) => {
        child.kill("SIGTERM");
        await once(child, "exit");
      }),
  );
}, 30_000);

/** `POST /api/v1/shopify/sync` as `user` of the shop's organisation, at web process `web`. */
async function requestSync(web: number, shop: string, user: string, type: "full" | "incremental") {
  const response = await fetch(`${webs[web % 2]}/api/v1/shopify/sync`, {
    method: "POST",
    headers: {
      authorization: await signUserToken({ org: connectionOf(shop).organizationId, sub: user }),
      "content-type": "application/json",
    },
    body: JSON.stringify({ type }),
  });
  const body = (await response.json()) as { data?: { job_id: string } };
  return { status: response.status, jobId: body.data?.job_id };
}

const jobsOf = async (shop: string) =>
  (
    await db.pool.query<{
      id: string;
      type: string;
      status: string;
      requested_by: string;
      started_at: Date | null;
      finished_at: Date | null;
    }>(
      `SELECT id, type, status, requested_by, started_at, finished_at FROM shopify_sync_jobs
       WHERE connection_id = $1 ORDER BY created_at`,
      [connectionOf(shop).connectionId],
    )
  ).rows;

const settled = () =>
  until(async () => {
    const open = await db.pool.query(
      "SELECT 1 FROM shopify_sync_jobs WHERE status IN ('queued', 'running') LIMIT 1",
    );
    return open.rowCount === 0;
    // A sync that found its shop locked waits 30 s before it tries again.
  }, 120_000);

// The scenarios use shops and users of their own and run at once (the tick's waits for the
// minute's start and the postponed syncs overlap); the last test checks what they left.
describe("two web and three worker processes on one database", () => {
  it.concurrent("count a user's syncs and an IP's OAuth callbacks once, whichever process answers", async () => {
    const syncs = await Promise.all(
      Array.from({ length: 6 }, (_, n) => requestSync(n, limitShop, "eilig", "incremental")),
    );
    expect(syncs.filter((sync) => sync.status === 429)).toHaveLength(3);
    expect(syncs.filter((sync) => sync.status === 200)).toHaveLength(3);

    const callbacks = await Promise.all(
      Array.from({ length: 14 }, (_, n) =>
        fetch(`${webs[n % 2]}/api/v1/shopify/oauth/callback?shop=${limitShop}&hmac=00`, {
          redirect: "manual",
        }),
      ),
    );
    const statuses = callbacks.map((response) => response.status).sort();
    expect(statuses).toEqual([...Array(10).fill(302), ...Array(4).fill(429)]);
  });

  it.concurrent("let the plan's quota be used once per sync, not once per process", async () => {
    const { organizationId } = connectionOf(quotaShop);
    // The free plan's 3 a day, two used: one left for eight users asking at once.
    await db.pool.query(
      "INSERT INTO plan_usage (organization_id, day, manual_syncs) VALUES ($1, (now() AT TIME ZONE 'UTC')::date, 2)",
      [organizationId],
    );
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        requestSync(n, quotaShop, `nutzer-${n}`, n % 2 ? "full" : "incremental"),
      ),
    );
    const used = await db.pool.query(
      "SELECT manual_syncs FROM plan_usage WHERE organization_id = $1",
      [organizationId],
    );
    expect(used.rows[0].manual_syncs).toBe(3);
    // One sync was queued; every other answer is that one (while it waited) or the quota's 402.
    const queued = new Set(answers.filter((a) => a.status === 200).map((a) => a.jobId));
    expect(queued.size).toBe(1);
    expect(answers.filter((a) => a.status === 402).length).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 200 || a.status === 402)).toBe(true);
    expect((await jobsOf(quotaShop)).map((job) => job.id)).toEqual([...queued]);
  });

  it.concurrent("queue one job of a type per connection, whoever asks through which process", async () => {
    const { connectionId } = connectionOf(lockShop);
    // A sync of the shop is under way (this session holds its lock): the workers that take the
    // new jobs postpone them, which leaves them queued while everybody asks at once.
    await lockHolder.query("SELECT pg_advisory_lock(hashtext('shopify_sync'), hashtext($1))", [
      connectionId,
    ]);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        requestSync(n, lockShop, `nutzer-${n}`, n % 2 ? "full" : "incremental"),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    const jobs = await jobsOf(lockShop);
    expect(jobs.map((job) => [job.type, job.status]).sort()).toEqual([
      ["full_sync", "queued"],
      ["incremental_sync", "queued"],
    ]);
    for (const job of jobs) {
      const type = job.type === "full_sync" ? "full" : "incremental";
      const asked = answers.filter((_, n) => (n % 2 ? "full" : "incremental") === type);
      expect(asked.map((answer) => answer.jobId)).toEqual(Array(4).fill(job.id));
    }
    // Both postponed by their workers, the lock is released and both are due at once: three
    // workers with free slots could now run them side by side.
    const postponed = () =>
      db.pool.query<{ id: string }>(
        `SELECT id FROM graphile_worker.jobs
         WHERE key = ANY($1) AND locked_at IS NULL AND run_at > now() + interval '10 seconds'`,
        [jobs.map((job) => job.id)],
      );
    await until(async () => (await postponed()).rowCount === 2, 60_000);
    await lockHolder.query("SELECT pg_advisory_unlock(hashtext('shopify_sync'), hashtext($1))", [
      connectionId,
    ]);
    const due = (await postponed()).rows.map((row) => row.id);
    await db.pool.query("SELECT graphile_worker.reschedule_jobs($1::bigint[], run_at := now())", [
      due,
    ]);
  });

  it.concurrent("tick once per due connection when every worker's crontab and /cron/shopify-queue run in the same minute", async () => {
    // The next minute's start, when graphile-worker's crontab fires in every worker.
    const minute = Math.ceil((Date.now() + 2000) / 60_000) * 60_000;
    await until(async () => Date.now() >= minute - 1000, 70_000);
    await db.pool.query(
      "UPDATE shopify_connections SET last_synced_at = now() - interval '1 hour' WHERE shop = ANY($1)",
      [tickShops],
    );
    await until(async () => Date.now() >= minute, 5000);
    // Both web processes take /cron/shopify-queue at once, and again whenever a due shop's sync
    // is running (each of its requests answers 0.6 s late, so a sync runs for seconds),
    // until every due shop is synced: ticks come while syncs are queued, running and done.
    const synced = async () => {
      const done = await db.pool.query(
        `SELECT count(*)::int AS n FROM shopify_connections
         WHERE shop = ANY($1) AND last_synced_at > now() - interval '10 minutes'`,
        [tickShops],
      );
      return done.rows[0].n === tickShops.length;
    };
    const syncing = async () => {
      const running = await db.pool.query(
        `SELECT 1 FROM shopify_sync_jobs j JOIN shopify_connections c ON c.id = j.connection_id
         WHERE c.shop = ANY($1) AND j.status = 'running'`,
        [tickShops],
      );
      return (running.rowCount ?? 0) > 0;
    };
    const cron = await Promise.all(
      [0, 1, 0, 1].map(async (web) => {
        const statuses: number[] = [];
        for (;;) {
          const response = await fetch(`${webs[web]}/cron/shopify-queue`, {
            method: "POST",
            headers: { authorization: `Bearer ${testSecrets.CRON_SECRET}` },
          });
          statuses.push(response.status);
          await until(async () => (await synced()) || (await syncing()), 60_000);
          if (await synced()) return statuses;
        }
      }),
    );
    expect(new Set(cron.flat())).toEqual(new Set([200]));
    // The crontab's tick of this minute ran, in exactly one of the three workers.
    const ticksOfTheMinute = () =>
      processes
        .slice(2)
        .flatMap((worker) => worker.lines)
        .filter(
          (line) =>
            line.msg === "shopify queue tick" && line.time >= minute && line.time < minute + 60_000,
        );
    await until(async () => ticksOfTheMinute().length > 0, 60_000);
    await settled();
    expect(ticksOfTheMinute()).toHaveLength(1);
    // No connection queued twice, none left out, every sync done.
    for (const shop of tickShops) {
      const jobs = await jobsOf(shop);
      expect(jobs.map((job) => [job.type, job.requested_by, job.status])).toEqual([
        ["incremental_sync", "cron", "succeeded"],
      ]);
    }
  }, 150_000);

  it("ran one sync of a shop at a time and lost no job", async () => {
    await settled();
    const jobs = await jobsOf(lockShop);
    expect(jobs.map((job) => job.status)).toEqual(["succeeded", "succeeded"]);
    // The full and the incremental sync were due together; one waited for the other.
    const [first, second] = jobs
      .map((job) => [job.started_at?.getTime() ?? 0, job.finished_at?.getTime() ?? 0] as const)
      .sort(([a], [b]) => a - b);
    expect(second?.[0]).toBeGreaterThanOrEqual(first?.[1] as number);
    const open = await db.pool.query(
      `SELECT status, count(*)::int AS n FROM shopify_sync_jobs
       WHERE status <> 'succeeded' GROUP BY status`,
    );
    expect(open.rows).toEqual([]);
    const left = await db.pool.query(
      "SELECT task_identifier FROM graphile_worker.jobs WHERE task_identifier <> 'queue_tick'",
    );
    expect(left.rows).toEqual([]);
  }, 150_000);
});
