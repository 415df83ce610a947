/**
 * `pnpm bench:fleet` (docs/BENCHMARKS.md, "Fleet"): 10,000 small shops and one with 100,000
 * orders, all connected, on one embedded PostgreSQL. Measures the tick's one enqueue statement
 * at that size (EXPLAIN ANALYZE, rolled back), then runs real worker processes for a bounded
 * window (in real time by default, or compressed) while the huge shop's full sync runs, and
 * prints syncs per minute, staleness p50/p99, the small shops' queue wait, database CPU seconds
 * and the workers' RSS.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import {
  type Columns,
  createDatabase,
  encryptSql,
  parseEnv,
  prepareDatabase,
  startEmbeddedPostgres,
} from "@roestify/db";
import { enqueueDueSyncsSql, maxAttempts } from "@roestify/jobs";
import { testSecrets } from "@roestify/runtime/testing";
import { defaultScopes } from "@roestify/shopify";
import { start } from "@roestify/shopify-simulator";
import { z } from "zod";
import { workerNodeFlags } from "../src/node-flags.ts";

const env = parseEnv(
  z.object({
    BENCH_SHOPS: z.coerce.number().int().min(1).default(10_000),
    BENCH_BIG_ORDERS: z.coerce.number().int().min(0).default(100_000),
    /**
     * Simulated seconds per real second (a divisor of 15): the interval of 15 simulated minutes
     * passes in 15 / BENCH_COMPRESSION real minutes, and the fleet then needs BENCH_COMPRESSION
     * times the syncs per real minute that it needs in production. 1 is real time.
     */
    BENCH_COMPRESSION: z.coerce
      .number()
      .int()
      .refine((k) => k > 0 && 15 % k === 0, "must divide 15")
      .default(1),
    /**
     * The measured window, real seconds: the interval and two minutes, so that a shop that misses
     * the interval + 1 minute the target allows shows up in it.
     */
    BENCH_SECONDS: z.coerce.number().int().min(10).max(1800).default(1020),
    /** Worker processes, as a deployment runs several. */
    BENCH_WORKERS: z.coerce.number().int().min(1).max(8).default(3),
    BENCH_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(8),
    BENCH_SIMULATOR_PORT: z.coerce.number().int().min(0).default(3191),
  }),
  process.env,
);
const interval = 15;
// The tests' configuration: a throwaway database, nothing of it leaves this machine.
const secrets = testSecrets;
const big = "fleet-gross.myshopify.com";
const small = (n: number) => `fleet-${n}.myshopify.com`;
const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** CPU seconds (user + system) of every process whose command line names `postgres`. */
function postgresCpuSeconds(): number {
  const tick = 100;
  let total = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "latin1").includes("postgres")) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, "latin1").split(") ")[1]?.split(" ") ?? [];
      total += (Number(fields[11]) + Number(fields[12])) / tick;
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

const rssMB = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "latin1"))?.[1] ?? 0) / 1024;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const deadline = setTimeout(
  () => {
    console.error("bench:fleet: timed out");
    process.exit(1);
  },
  (env.BENCH_SECONDS + 600) * 1000,
);
deadline.unref();

const cluster = await startEmbeddedPostgres({
  dataDir: mkdtempSync(join(tmpdir(), "bench-fleet-")),
  persistent: false,
});
const simulator = await start({
  apiKey: secrets.SHOPIFY_API_KEY,
  apiSecret: secrets.SHOPIFY_API_SECRET,
  port: env.BENCH_SIMULATOR_PORT,
  logLimit: 1000,
});
let workers: ChildProcess[] = [];
try {
  await prepareDatabase(cluster.url);
  const db = createDatabase(cluster.url);
  let started = performance.now();
  simulator.createShop({
    domain: big,
    seed: 1,
    products: 2000,
    customers: 10_000,
    orders: env.BENCH_BIG_ORDERS,
  });
  for (let n = 0; n < env.BENCH_SHOPS; n++) {
    simulator.createShop({
      domain: small(n),
      seed: n + 2,
      products: 2,
      customers: 2,
      orders: 3,
      locations: 1,
    });
  }
  const shops = [big, ...Array.from({ length: env.BENCH_SHOPS }, (_, n) => small(n))];
  const tokens = shops.map((shop) => simulator.createAccessToken(shop).access_token);
  console.log(`simulator: ${shops.length} shops in ${seconds(performance.now() - started)} s`);

  // All connected, their last syncs spread evenly over the last interval: the steady state.
  started = performance.now();
  await db.pool.query(
    "INSERT INTO organizations (id) SELECT 'org-' || s FROM unnest($1::text[]) s",
    [shops],
  );
  await db.pool.query(
    `INSERT INTO shopify_connections (organization_id, shop, scopes, api_version,
       access_token_encrypted, last_synced_at)
     SELECT 'org-' || s, s, $3, '2026-10', ${encryptSql("t", "$4")},
            now() - random() * make_interval(mins => ${interval})
     FROM unnest($1::text[], $2::text[]) AS x(s, t)`,
    [shops, tokens, defaultScopes, secrets.TOKEN_ENCRYPTION_KEY],
  );
  // Synced before: each feed's cursor an hour back, so an incremental sync reads what changed.
  await db.pool.query(
    `INSERT INTO shopify_sync_cursors (connection_id, resource, updated_at)
     SELECT c.id, r, now() - interval '1 hour' FROM shopify_connections c,
       unnest(ARRAY['products', 'product_variants', 'product_deletions', 'orders', 'customers',
                    'inventory_levels']) AS r
     WHERE c.shop <> $1`,
    [big],
  );
  await db.pool.query("ANALYZE");
  console.log(`connections: ${shops.length} in ${seconds(performance.now() - started)} s`);

  // The tick's enqueue at this size: a minute's share of the fleet due, then all of it.
  for (const due of [Math.ceil(shops.length / interval), shops.length]) {
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(
        `UPDATE shopify_connections SET last_synced_at = now() - interval '1 hour'
         WHERE id IN (SELECT id FROM shopify_connections ORDER BY random() LIMIT $1)`,
        [due],
      );
      const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${enqueueDueSyncsSql}`, [
        interval,
        maxAttempts,
      ]);
      const lines = plan.rows.map((row) => row["QUERY PLAN"] as string);
      console.log(`\ntick enqueue, ${due} of ${shops.length} connections due (rolled back):`);
      console.log(due === shops.length ? lines.slice(-2).join("\n") : lines.join("\n"));
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  }

  // The window: real worker processes and a tick every simulated minute, with the interval
  // compressed (15 simulated minutes = 15 / BENCH_COMPRESSION real minutes), while the huge
  // shop's full sync runs in a full-sync slot. Last syncs start spread over the real interval
  // and one simulated minute more, as in a fleet that keeps up: the first tick finds a minute's
  // share due, and those syncs queue while the huge full sync runs.
  const k = env.BENCH_COMPRESSION;
  const realInterval = interval / k;
  await db.pool.query(
    `UPDATE shopify_connections
     SET last_synced_at = now() - random() * make_interval(secs => ($1 + 1) * 60 / $2)`,
    [interval, k],
  );
  const bigJob = await db.pool.query<Columns<"shopify_sync_jobs", "id">>(
    `INSERT INTO shopify_sync_jobs (organization_id, connection_id, type, requested_by)
     SELECT organization_id, id, 'full_sync', 'bench' FROM shopify_connections WHERE shop = $1
     RETURNING id`,
    [big],
  );
  const bigJobId = bigJob.rows[0]?.id as string;
  await db.pool.query(
    "SELECT graphile_worker.add_job('full_sync', json_build_object('syncJobId', $1::text), job_key := $1)",
    [bigJobId],
  );
  const cpuBefore = postgresCpuSeconds();
  const windowStart = new Date();
  const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
  workers = Array.from({ length: env.BENCH_WORKERS }, () =>
    spawn(process.execPath, [...workerNodeFlags, main], {
      env: {
        PATH: process.env.PATH ?? "",
        ...secrets,
        DATABASE_URL: cluster.url,
        SHOPIFY_API_ORIGIN: simulator.url,
        // The workers' own minutely tick sees the compressed interval too.
        SYNC_INTERVAL_MINUTES: String(realInterval),
        WORKER_CONCURRENCY: String(env.BENCH_CONCURRENCY),
        LOG_LEVEL: "silent",
      },
      stdio: "inherit",
    }),
  );
  let maxRss = 0;
  let worstP99 = 0;
  const tickEveryMs = 60_000 / k;
  const smallAges = async () => {
    const staleness = await db.pool.query<{ age: number }>(
      `SELECT extract(epoch FROM now() - last_synced_at)::float8 AS age FROM shopify_connections
       WHERE shop <> $1 ORDER BY age`,
      [big],
    );
    return staleness.rows.map((row) => row.age * k);
  };
  const windowEnd = windowStart.getTime() + env.BENCH_SECONDS * 1000;
  for (let nextTick = Date.now(); Date.now() < windowEnd; ) {
    if (Date.now() >= nextTick) {
      await db.pool.query(enqueueDueSyncsSql, [realInterval, maxAttempts]);
      worstP99 = Math.max(worstP99, percentile(await smallAges(), 99));
      nextTick += tickEveryMs;
    }
    for (const worker of workers) maxRss = Math.max(maxRss, rssMB(worker.pid as number));
    // RSS every few seconds; the next tick or the window's end, whichever comes first.
    await sleep(Math.max(0, Math.min(5000, nextTick - Date.now(), windowEnd - Date.now())));
  }
  const cpu = postgresCpuSeconds() - cpuBefore;
  const windowSeconds = (Date.now() - windowStart.getTime()) / 1000;

  const done = await db.pool.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM shopify_sync_jobs
     WHERE type = 'incremental_sync' AND status = 'succeeded' AND finished_at >= $1`,
    [windowStart],
  );
  const ages = await smallAges();
  worstP99 = Math.max(worstP99, percentile(ages, 99));
  const full = await db.pool.query<
    Columns<"shopify_sync_jobs", "status" | "started_at" | "finished_at">
  >("SELECT status, started_at, finished_at FROM shopify_sync_jobs WHERE id = $1", [bigJobId]);
  const fullSync = full.rows[0];
  // How long the small shops' syncs queued while the huge shop's full sync ran: those queued
  // before it ended that started after it began.
  const waits = await db.pool.query<{ p99: number; max: number; n: number }>(
    `SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY w)::float8 AS p99, max(w)::float8 AS max,
            count(*)::int AS n
     FROM (SELECT extract(epoch FROM started_at - created_at) AS w FROM shopify_sync_jobs
           WHERE type = 'incremental_sync' AND started_at IS NOT NULL
             AND started_at > $1 AND created_at < coalesce($2, now())) x`,
    [fullSync?.started_at ?? windowStart, fullSync?.finished_at ?? null],
  );
  const wait = waits.rows[0];
  const queueWait = wait?.n
    ? `p99 ${wait.p99.toFixed(1)} s, max ${wait.max.toFixed(1)} s over ${wait.n} syncs`
    : "no sync queued meanwhile";
  const limit = (interval + 1) * 60;
  const perMinute = (done.rows[0]?.count ?? 0) / (windowSeconds / 60);
  const minutes = (ageSeconds: number) => (ageSeconds / 60).toFixed(1);
  const fullSyncRun =
    fullSync?.started_at && fullSync.finished_at
      ? `${fullSync.status} in ${seconds(fullSync.finished_at.getTime() - fullSync.started_at.getTime())} s`
      : `${fullSync?.status}, not finished in the window`;
  console.log(`
window: ${windowSeconds.toFixed(0)} s real = ${minutes(windowSeconds * k)} simulated minutes; time compressed ${k}× (SYNC_INTERVAL_MINUTES=${interval} simulated = ${realInterval} real minutes, a tick every ${seconds(tickEveryMs)} s real); ${env.BENCH_WORKERS} worker processes × (WORKER_CONCURRENCY=${env.BENCH_CONCURRENCY} + 1 full-sync slot)
incremental syncs: ${done.rows[0]?.count} = ${perMinute.toFixed(0)} per real minute = ${(perMinute / k).toFixed(0)} per simulated minute (the fleet needs ${(env.BENCH_SHOPS / interval).toFixed(0)} per simulated minute)
staleness (simulated): at the end p50 ${minutes(percentile(ages, 50))} min, p99 ${minutes(percentile(ages, 99))} min; worst p99 at any tick or the end ${minutes(worstP99)} min; target p99 <= ${limit / 60} min: ${worstP99 <= limit ? "met" : "NOT met"}
small shops' queue wait while the huge full sync ran (real): ${queueWait} (target <= 60 s)
huge shop's full sync (${env.BENCH_BIG_ORDERS} orders): ${fullSyncRun}
database CPU: ${cpu.toFixed(1)} s in the window (${((cpu / windowSeconds) * 100).toFixed(0)} % of one core)
worker RSS: max ${maxRss.toFixed(0)} MB of one process (target < 300 MB)
load average (1, 5, 15 min): ${loadavg()
    .map((load) => load.toFixed(2))
    .join(", ")}`);
  await db.close();
} finally {
  await Promise.all(
    workers
      .filter((worker) => worker.exitCode === null)
      .map(async (worker) => {
        worker.kill("SIGTERM");
        await Promise.race([once(worker, "exit"), sleep(15_000)]);
        if (worker.exitCode === null) worker.kill("SIGKILL");
      }),
  );
  await simulator.close();
  await cluster.stop();
}
