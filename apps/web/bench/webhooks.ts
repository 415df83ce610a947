/**
 * Benchmark of the webhook path (`pnpm bench:webhooks`): BENCH_SHOPS (10) simulated shops send
 * about BENCH_DELIVERIES (1,000) webhooks over BENCH_SECONDS (60) for changes made through the
 * simulator's control API (customers and products updated, orders placed). Prints the latency
 * from a change's delivery to its row in the mirrors (p50/p95/max), the incremental syncs per
 * shop, and the webhook route's p50/p99/max as the simulator measured its answers (send to
 * last byte on its delivery thread: what Shopify sees, and what the target applies to) and as
 * the web process logged them (its request log's `responseTime`), the web process's CPU time per
 * delivery, PostgreSQL's WAL fsyncs meanwhile (count, mean ms: each accepted delivery waits for
 * one), and the delay of the simulator's main event loop (its API; no longer in the figures).
 *
 * Four processes on 127.0.0.1 besides a throwaway embedded PostgreSQL: this one (it connects
 * the shops and polls the mirrors), the web app as production runs it (`startWebProcess`:
 * production conditions, default logging, its own pool; the thing measured), the simulator
 * (`BENCH_ROLE=simulator`, driven over its HTTP control API) and a real worker
 * (`apps/worker/src/main.ts`). The run stops by itself.
 */
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import {
  type Columns,
  childEnv,
  createDatabase,
  type Database,
  encryptSql,
  parseEnv,
  prepareDatabase,
  startEmbeddedPostgres,
  transaction,
} from "@roestify/db";
import { enqueueJob } from "@roestify/jobs";
import { testSecrets } from "@roestify/runtime/testing";
import { createAdminClient, ensureWebhookSubscriptions, readShopifyEnv } from "@roestify/shopify";
import { simulatorNodeFlags } from "@roestify/shopify-simulator/node-flags";
import { z } from "zod";
import { cpuMs } from "./process-cpu.ts";
import { startWebProcess } from "./web-process.ts";

const env = parseEnv(
  z.object({
    BENCH_ROLE: z.enum(["simulator"]).optional(),
    BENCH_SHOPS: z.coerce.number().int().min(1).default(10),
    BENCH_DELIVERIES: z.coerce.number().int().min(1).default(1000),
    BENCH_SECONDS: z.coerce.number().positive().default(60),
    BENCH_WORKER_CONCURRENCY: z.coerce.number().int().min(1).default(4),
    BENCH_SIMULATOR_PORT: z.coerce.number().int().default(3168),
    BENCH_WEB_PORT: z.coerce.number().int().default(3169),
    /** Node flags of the web process, e.g. `--cpu-prof` to see where its time goes. */
    BENCH_WEB_ARGS: z.string().default(""),
  }),
  process.env,
);
// The tests' configuration: a throwaway database, nothing of it leaves this machine.
const secrets = testSecrets;
const simulatorUrl = `http://127.0.0.1:${env.BENCH_SIMULATOR_PORT}`;
const appUrl = `http://127.0.0.1:${env.BENCH_WEB_PORT}`;
const shops = Array.from({ length: env.BENCH_SHOPS }, (_, i) => `bench-shop-${i}.myshopify.com`);

async function serveSimulator() {
  const { start } = await import("@roestify/shopify-simulator");
  const simulator = await start({
    port: env.BENCH_SIMULATOR_PORT,
    apiKey: secrets.SHOPIFY_API_KEY,
    apiSecret: secrets.SHOPIFY_API_SECRET,
    shops: shops.map((domain, i) => ({ domain, seed: i, products: 20, customers: 40, orders: 40 })),
  });
  // How late its main thread's timers and I/O callbacks ran (GraphQL, bulk, control calls): the
  // deliveries are timed on their own thread, which this delay must not reach.
  const delay = monitorEventLoopDelay({ resolution: 5 });
  process.on("message", (message) => {
    if (message === "measure") delay.reset();
    if (message === "report") process.send?.(loopDelayMs(delay));
  });
  delay.enable();
  process.send?.("ready");
  process.once("disconnect", () => void simulator.close().then(() => process.exit(0)));
}

const loopDelayMs = (delay: ReturnType<typeof monitorEventLoopDelay>) => ({
  p50: round(delay.percentile(50) / 1e6),
  p99: round(delay.percentile(99) / 1e6),
  max: round(delay.max / 1e6),
});

async function control(method: string, path: string, body?: object) {
  const response = await fetch(`${simulatorUrl}/_control${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

const numberOf = (gid: string) => gid.split("/").pop() as string;

const round = (ms: number) => Math.round(ms * 10) / 10;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

async function main() {
  const workDir = mkdtempSync(join(tmpdir(), "bench-webhooks-"));
  const cluster = await startEmbeddedPostgres({ dataDir: join(workDir, "pg"), persistent: false });
  const children: ChildProcess[] = [];
  const stop = async () => {
    // The worker ends its jobs and sessions before the simulator it talks to and the database go.
    for (const child of [...children].reverse()) {
      const exited = child.exitCode === null ? once(child, "exit") : Promise.resolve();
      child.kill("SIGTERM");
      await exited;
    }
    await cluster.stop();
    rmSync(workDir, { recursive: true, force: true });
  };
  const timeout = setTimeout(
    () => {
      console.error("bench:webhooks timed out");
      void stop().then(() => process.exit(1));
    },
    (env.BENCH_SECONDS + 300) * 1000,
  );
  try {
    await prepareDatabase(cluster.url);
    const db = createDatabase(cluster.url);
    // Every accepted delivery waits for its commit's WAL flush: timed, to tell it apart.
    await db.pool.query("ALTER SYSTEM SET track_wal_io_timing = on");
    await db.pool.query("SELECT pg_reload_conf()");
    const config = { ...secrets, SHOPIFY_API_ORIGIN: simulatorUrl, APP_URL: appUrl };
    // The simulator imports this file, and with it the test secrets (exported under `test`); its
    // flags as its start script has them.
    const simulator = fork(fileURLToPath(import.meta.url), {
      execArgv: ["--conditions=test", ...simulatorNodeFlags],
      env: childEnv({ BENCH_ROLE: "simulator" }),
    });
    children.push(simulator);
    await once(simulator, "message");
    const requestLog = join(workDir, "web.log");
    const logFile = openSync(requestLog, "w");
    const web = await startWebProcess({
      databaseUrl: cluster.url,
      port: env.BENCH_WEB_PORT,
      nodeArgs: env.BENCH_WEB_ARGS.split(" ").filter(Boolean),
      env: { SHOPIFY_API_ORIGIN: simulatorUrl },
      stdout: logFile,
    });
    closeSync(logFile);
    children.push(web.process);
    // Production conditions, as `pnpm --filter @roestify/worker start` runs it.
    const worker = fork(fileURLToPath(new URL("../../worker/src/main.ts", import.meta.url)), {
      execArgv: [],
      env: childEnv({
        ...config,
        DATABASE_URL: cluster.url,
        WORKER_CONCURRENCY: String(env.BENCH_WORKER_CONCURRENCY),
        LOG_LEVEL: "warn",
      }),
    });
    children.push(worker);

    const connections = await connectShops(db, config);
    console.log(`${shops.length} shops connected and fully synced`);
    simulator.send("measure");
    const webCpuBefore = cpuMs(web.process.pid as number) ?? 0;
    const walBefore = await walFsyncs(db);
    const result = await deliverChanges(db, connections);
    const webCpu = (cpuMs(web.process.pid as number) ?? 0) - webCpuBefore;
    const walAfter = await walFsyncs(db);
    simulator.send("report");
    const [simulatorLoopDelayMs] = await once(simulator, "message");
    const served = serverSideDurations(requestLog);
    console.log(
      JSON.stringify(
        {
          ...result,
          routeServerSideMs: {
            p50: percentile(served, 50),
            p99: percentile(served, 99),
            max: served.at(-1),
          },
          webCpuMsPerDelivery: round(webCpu / result.deliveries),
          walFsync: {
            count: walAfter.fsyncs - walBefore.fsyncs,
            meanMs: round((walAfter.ms - walBefore.ms) / (walAfter.fsyncs - walBefore.fsyncs)),
          },
          simulatorLoopDelayMs,
          loadavg: loadavg().map(round),
        },
        null,
        2,
      ),
    );
    await db.close();
  } catch (error) {
    console.error("bench:webhooks failed:", error);
    process.exitCode = 1;
  } finally {
    clearTimeout(timeout);
    await stop();
  }
}

/**
 * The webhook route's own figures: `responseTime` (ms, from the request's arrival in Express to
 * its answer's end) of every webhook line in the web process's request log.
 */
function serverSideDurations(logPath: string): number[] {
  return readFileSync(logPath, "utf8")
    .split("\n")
    .filter((line) => line.includes('"/api/v1/shopify/webhooks"'))
    .map((line) => (JSON.parse(line) as { responseTime: number }).responseTime)
    .sort((a, b) => a - b);
}

/** WAL flushes to disk so far, and the milliseconds they took (PostgreSQL's I/O statistics). */
async function walFsyncs(db: Database) {
  const result = await db.pool.query<{ fsyncs: number; ms: number }>(
    `SELECT coalesce(sum(fsyncs), 0)::float8 AS fsyncs, coalesce(sum(fsync_time), 0)::float8 AS ms
     FROM pg_stat_io WHERE object = 'wal'`,
  );
  return result.rows[0] as { fsyncs: number; ms: number };
}

/** Each shop connected as the OAuth callback leaves it: token, subscriptions, a full sync. */
async function connectShops(db: Database, config: Record<string, string>) {
  const connections: string[] = [];
  for (const [i, shop] of shops.entries()) {
    const { access_token: token } = (await control("POST", `/shops/${shop}/tokens`, {})) as {
      access_token: string;
    };
    const connectionId = await transaction(db.pool, async (tx) => {
      const organizationId = `bench-org-${i}`;
      await tx.query("INSERT INTO organizations (id) VALUES ($1)", [organizationId]);
      const inserted = await tx.query<Columns<"shopify_connections", "id">>(
        `INSERT INTO shopify_connections (organization_id, shop, scopes, api_version, access_token_encrypted)
         VALUES ($1, $2, 'read_products', '2026-10', ${encryptSql("$3", "$4")}) RETURNING id`,
        [organizationId, shop, token, secrets.TOKEN_ENCRYPTION_KEY],
      );
      const id = inserted.rows[0]?.id as string;
      await enqueueJob(tx, {
        organizationId,
        connectionId: id,
        type: "full_sync",
        requestedBy: "bench",
      });
      return id;
    });
    const client = createAdminClient({
      env: readShopifyEnv(config),
      shop,
      accessToken: async () => token,
    });
    await ensureWebhookSubscriptions(client, `${appUrl}/api/v1/shopify/webhooks`);
    connections.push(connectionId);
  }
  for (;;) {
    const pending = await db.pool.query(
      "SELECT 1 FROM shopify_sync_jobs WHERE status IN ('queued', 'running')",
    );
    if (!pending.rowCount) return connections;
    await sleep(500);
  }
}

interface Change {
  connectionId: string;
  table: "shopify_customers" | "shopify_products" | "shopify_orders";
  id: string;
  /** What the mirror row must show (null: the row must exist). */
  expected: string | null;
  madeAt: number;
  visibleAt?: number;
}

/** Makes the changes at an even rate, then waits until the mirrors show all of them. */
async function deliverChanges(db: Database, connections: string[]) {
  const ids = await Promise.all(
    shops.map(async (shop) => {
      const detail = (await control("GET", `/shops/${shop}/inventory`)) as { variantId: string }[];
      const customers = await db.pool.query<{ id: string }>(
        `SELECT c.shopify_id::text AS id FROM shopify_customers c
         JOIN shopify_connections k ON k.id = c.connection_id WHERE k.shop = $1`,
        [shop],
      );
      const products = await db.pool.query<{ id: string }>(
        `SELECT p.shopify_id::text AS id FROM shopify_products p
         JOIN shopify_connections k ON k.id = p.connection_id WHERE k.shop = $1`,
        [shop],
      );
      return {
        variants: detail.map((level) => level.variantId),
        customers: customers.rows.map((row) => row.id),
        products: products.rows.map((row) => row.id),
      };
    }),
  );
  await control("DELETE", "/requests");
  const since = await db.pool.query<{ now: Date }>("SELECT now()");
  const changes: Change[] = [];
  const interval = (env.BENCH_SECONDS * 1000) / env.BENCH_DELIVERIES;
  const started = Date.now();
  for (let n = 0; n < env.BENCH_DELIVERIES; n++) {
    // Round robin by change, not by delivery: an order is two deliveries, and counting those
    // would give one shop only orders and skip the next one.
    const s = changes.length % shops.length;
    const shop = shops[s] as string;
    const shopIds = ids[s] as (typeof ids)[number];
    const connectionId = connections[s] as string;
    const madeAt = Date.now();
    const pick = (list: string[]) =>
      list[Math.floor(changes.length / shops.length) % list.length] as string;
    if (n % 10 === 9) {
      // An order sends orders/create and inventory_levels/update: two deliveries.
      const order = (await control("POST", `/shops/${shop}/orders`, {
        lineItems: [{ variantId: pick(shopIds.variants), quantity: 1 }],
      })) as { id: string };
      changes.push({
        connectionId,
        table: "shopify_orders",
        id: numberOf(order.id),
        expected: null,
        madeAt,
      });
      n++;
    } else if (n % 2 === 0) {
      const id = pick(shopIds.customers);
      const email = `kunde-${n}@bench.example`;
      await control("PATCH", `/shops/${shop}/customers/${id}`, { email });
      changes.push({ connectionId, table: "shopify_customers", id, expected: email, madeAt });
    } else {
      const id = pick(shopIds.products);
      const title = `Kaffee ${n}`;
      await control("PATCH", `/shops/${shop}/products/${id}`, { title });
      changes.push({ connectionId, table: "shopify_products", id, expected: title, madeAt });
    }
    const next = started + (n + 1) * interval;
    await watch(db, changes);
    if (next > Date.now()) await sleep(next - Date.now());
  }
  const deadline = Date.now() + 180_000;
  while (changes.some((change) => !change.visibleAt) && Date.now() < deadline) {
    await sleep(200);
    await watch(db, changes);
  }
  const deliveries = (await control("GET", "/webhooks/deliveries")) as {
    topic: string;
    status: number | null;
    deliveredAt: number | null;
    durationMs: number | null;
    eventId: string;
  }[];
  const latencies = changes
    .filter((change) => change.visibleAt)
    .map((change) => (change.visibleAt as number) - change.madeAt)
    .sort((a, b) => a - b);
  // Answer times as Shopify would see them: from sending to the answer's last byte.
  const route = deliveries
    .filter((d) => d.status === 200 && d.durationMs !== null)
    .map((d) => d.durationMs as number)
    .sort((a, b) => a - b);
  const syncs = await db.pool.query<Columns<"shopify_sync_jobs", "connection_id"> & { n: number }>(
    `SELECT connection_id, count(*)::int AS n FROM shopify_sync_jobs
     WHERE type = 'incremental_sync' AND created_at >= $1 GROUP BY connection_id`,
    [since.rows[0]?.now],
  );
  const perShop = syncs.rows.map((row) => row.n).sort((a, b) => a - b);
  // Syncs per 10 s of a shop's deliveries: from its first change to its last (a loaded machine
  // stretches the BENCH_SECONDS the changes were meant to take).
  const per10s = syncs.rows.map((row) => {
    const made = changes.filter((c) => c.connectionId === row.connection_id).map((c) => c.madeAt);
    return row.n / ((Math.max(...made) - Math.min(...made)) / 10_000);
  });
  const seconds = (Date.now() - started) / 1000;
  return {
    deliveries: deliveries.length,
    deliveriesOk: deliveries.filter((d) => d.status === 200).length,
    changes: changes.length,
    mirrored: latencies.length,
    seconds: Math.round(seconds),
    latencyMs: {
      p50: Math.round(percentile(latencies, 50)),
      p95: Math.round(percentile(latencies, 95)),
      max: Math.round(latencies.at(-1) ?? Number.NaN),
    },
    incrementalSyncsPerShop: { min: perShop[0], max: perShop.at(-1), all: perShop },
    syncsPerShopPer10s: Math.round(Math.max(...per10s) * 100) / 100,
    routeMs: {
      p50: round(percentile(route, 50)),
      p99: round(percentile(route, 99)),
      max: round(route.at(-1) ?? Number.NaN),
    },
  };
}

/** Marks the changes the mirrors show now. */
async function watch(db: Database, changes: Change[]) {
  const pending = changes.filter((change) => !change.visibleAt);
  if (!pending.length) return;
  const shown = await db.pool.query<{ i: number }>(
    `SELECT p.i FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[]) WITH ORDINALITY
       AS p(connection_id, tab, shopify_id, expected, i)
     WHERE (p.tab = 'shopify_orders' AND EXISTS (SELECT 1 FROM shopify_orders o
              WHERE o.connection_id = p.connection_id AND o.shopify_id = p.shopify_id))
        OR (p.tab = 'shopify_customers' AND EXISTS (SELECT 1 FROM shopify_customers c
              WHERE c.connection_id = p.connection_id AND c.shopify_id = p.shopify_id
                AND c.email = p.expected))
        OR (p.tab = 'shopify_products' AND EXISTS (SELECT 1 FROM shopify_products r
              WHERE r.connection_id = p.connection_id AND r.shopify_id = p.shopify_id
                AND r.title = p.expected))`,
    [
      pending.map((c) => c.connectionId),
      pending.map((c) => c.table),
      pending.map((c) => c.id),
      pending.map((c) => c.expected),
    ],
  );
  const now = Date.now();
  for (const { i } of shown.rows) (pending[Number(i) - 1] as Change).visibleAt = now;
  // A row changed again before a sync read it shows only the later value; the mirror is then at
  // least as new as the earlier change too.
  const seen = new Map<string, number>();
  for (const change of [...changes].reverse()) {
    const row = `${change.connectionId} ${change.table} ${change.id}`;
    const later = seen.get(row);
    if (!change.visibleAt && later) change.visibleAt = later;
    if (change.visibleAt) seen.set(row, change.visibleAt);
  }
}

if (env.BENCH_ROLE === "simulator") await serveSimulator();
else await main();
