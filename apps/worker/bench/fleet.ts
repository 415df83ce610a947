/**
 * `pnpm bench:fleet` (docs/BENCHMARKS.md, "Fleet"): 10,000 small shops and one with 100,000
 * orders, all connected, on one embedded PostgreSQL. Measures the tick's one enqueue statement
 * at that size (EXPLAIN ANALYZE, rolled back), then runs a real worker process for a bounded
 * window in compressed time while the huge shop's full sync runs, and prints syncs per minute,
 * staleness p50/p99, the small shops' queue wait, database CPU seconds and the worker's RSS.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import {
  createDatabase,
  encryptSql,
  parseEnv,
  prepareDatabase,
  startEmbeddedPostgres,
} from "@roestify/db";
import { enqueueDueSyncsSql, maxAttempts } from "@roestify/jobs";
import { defaultScopes } from "@roestify/shopify";
import { start } from "@roestify/shopify-simulator";
import { z } from "zod";
import { workerNodeFlags } from "../src/node-flags.ts";

const env = parseEnv(
  z.object({
    BENCH_SHOPS: z.coerce.number().int().min(1).default(10_000),
    BENCH_BIG_ORDERS: z.coerce.number().int().min(0).default(100_000),
    /** Simulated seconds per real second: SYNC_INTERVAL_MINUTES=15 pass in 60 s at 15. */
    BENCH_COMPRESSION: z.coerce.number().int().min(1).max(60).default(15),
    BENCH_SECONDS: z.coerce.number().int().min(10).max(900).default(120),
    BENCH_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
    BENCH_SIMULATOR_PORT: z.coerce.number().int().min(0).default(3191),
  }),
  process.env,
);
const interval = 15;
const secrets = {
  AUTH_JWT_SECRET: "bench-jwt-secret-0123456789abcdef0123456789",
  CRON_SECRET: "bench-cron-secret-0123456789abcdef01234567",
  SHOPIFY_API_KEY: "bench-api-key",
  SHOPIFY_API_SECRET: "bench-api-secret-0123456789abcdef",
  TOKEN_ENCRYPTION_KEY: "bench-token-key-0123456789abcdef0123456789",
};
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
  (env.BENCH_SECONDS + 900) * 1000,
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
let worker: ChildProcess | undefined;
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

  // The window: a real worker process; the bench ticks every simulated minute with the interval
  // compressed (15 simulated minutes = 15 / BENCH_COMPRESSION real minutes, rounded to whole
  // minutes, at least one), while the huge shop's full sync runs in its own slot.
  const k = env.BENCH_COMPRESSION;
  const realInterval = Math.max(1, Math.round(interval / k));
  const simulatedPerReal = (interval * 60) / (realInterval * 60);
  await db.pool.query(
    `UPDATE shopify_connections SET last_synced_at = now() - random() * make_interval(mins => $1)`,
    [realInterval],
  );
  const bigJob = await db.pool.query<{ id: string }>(
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
  worker = spawn(
    process.execPath,
    [...workerNodeFlags, fileURLToPath(new URL("../src/main.ts", import.meta.url))],
    {
      env: {
        PATH: process.env.PATH ?? "",
        ...secrets,
        DATABASE_URL: cluster.url,
        SHOPIFY_API_ORIGIN: simulator.url,
        WORKER_CONCURRENCY: String(env.BENCH_CONCURRENCY),
        LOG_LEVEL: "silent",
      },
      stdio: "inherit",
    },
  );
  let maxRss = 0;
  const tickEveryMs = (realInterval * 60_000) / interval;
  for (let elapsed = 0; elapsed < env.BENCH_SECONDS * 1000; elapsed += tickEveryMs) {
    await db.pool.query(enqueueDueSyncsSql, [realInterval, maxAttempts]);
    maxRss = Math.max(maxRss, rssMB(worker.pid as number));
    await sleep(tickEveryMs);
  }
  const cpu = postgresCpuSeconds() - cpuBefore;
  const windowSeconds = (Date.now() - windowStart.getTime()) / 1000;

  const done = await db.pool.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM shopify_sync_jobs
     WHERE type = 'incremental_sync' AND status = 'succeeded' AND finished_at >= $1`,
    [windowStart],
  );
  const staleness = await db.pool.query<{ age: number }>(
    `SELECT extract(epoch FROM now() - last_synced_at)::float8 AS age FROM shopify_connections
     WHERE shop <> $1 ORDER BY age`,
    [big],
  );
  const ages = staleness.rows.map((row) => row.age * simulatedPerReal);
  const waits = await db.pool.query<{ p99: number; max: number }>(
    `SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY w)::float8 AS p99, max(w)::float8 AS max
     FROM (SELECT extract(epoch FROM started_at - created_at) AS w FROM shopify_sync_jobs
           WHERE type = 'incremental_sync' AND started_at IS NOT NULL AND created_at >= $1) x`,
    [windowStart],
  );
  const full = await db.pool.query("SELECT status, progress FROM shopify_sync_jobs WHERE id = $1", [
    bigJobId,
  ]);
  const limit = (interval + 1) * 60;
  console.log(`
window: ${windowSeconds.toFixed(0)} s real, time compressed ${simulatedPerReal}× (SYNC_INTERVAL_MINUTES=${interval} simulated = ${realInterval} real minute(s)), WORKER_CONCURRENCY=${env.BENCH_CONCURRENCY} + 1 full-sync slot, one worker process
incremental syncs: ${done.rows[0]?.count} in the window = ${((done.rows[0]?.count ?? 0) / (windowSeconds / 60)).toFixed(0)} per real minute (keeping every shop within the interval takes ${(env.BENCH_SHOPS / realInterval).toFixed(0)} per real minute here)
staleness (simulated): p50 ${(percentile(ages, 50) / 60).toFixed(1)} min, p99 ${(percentile(ages, 99) / 60).toFixed(1)} min, max ${(percentile(ages, 100) / 60).toFixed(1)} min; target p99 <= ${limit / 60} min: ${percentile(ages, 99) <= limit ? "met" : "NOT met"}
small shops' queue wait (real): p99 ${waits.rows[0]?.p99?.toFixed(1)} s, max ${waits.rows[0]?.max?.toFixed(1)} s (target <= 60 s while the big full sync runs)
big shop's full sync: ${full.rows[0]?.status} ${JSON.stringify(full.rows[0]?.progress)}
database CPU: ${cpu.toFixed(1)} s in the window (${((cpu / windowSeconds) * 100).toFixed(0)} % of one core)
worker RSS: max ${maxRss.toFixed(0)} MB (target < 300 MB)`);
  await db.close();
} finally {
  if (worker && worker.exitCode === null) {
    worker.kill("SIGTERM");
    await Promise.race([once(worker, "exit"), sleep(15_000)]);
    if (worker.exitCode === null) worker.kill("SIGKILL");
  }
  await simulator.close();
  await cluster.stop();
}
