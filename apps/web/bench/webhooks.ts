/**
 * Benchmark of the webhook path (`pnpm bench:webhooks`): BENCH_SHOPS (10) simulated shops send
 * about BENCH_DELIVERIES (1,000) webhooks over BENCH_SECONDS (60) for changes made through the
 * simulator's control API (customers and products updated, orders placed). Prints the latency
 * from a change's delivery to its row in the mirrors (p50/p95/max), the incremental syncs per
 * shop, and the webhook route's p99 as the simulator measured its answers.
 *
 * Three processes on 127.0.0.1: this one (a throwaway embedded PostgreSQL and the web app, the
 * thing measured), the simulator (`BENCH_ROLE=simulator`, driven over its HTTP control API) and
 * a real worker (`apps/worker/src/main.ts`). The run stops by itself.
 */
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
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
  transaction,
} from "@roestify/db";
import { enqueueJob } from "@roestify/jobs";
import { createLogger, readApiEnv, type Services } from "@roestify/runtime";
import { createAdminClient, ensureWebhookSubscriptions, readShopifyEnv } from "@roestify/shopify";
import { z } from "zod";
import { createApp } from "../src/app.ts";

const env = parseEnv(
  z.object({
    BENCH_ROLE: z.enum(["simulator"]).optional(),
    BENCH_SHOPS: z.coerce.number().int().min(1).default(10),
    BENCH_DELIVERIES: z.coerce.number().int().min(1).default(1000),
    BENCH_SECONDS: z.coerce.number().positive().default(60),
    BENCH_WORKER_CONCURRENCY: z.coerce.number().int().min(1).default(4),
    BENCH_SIMULATOR_PORT: z.coerce.number().int().default(3168),
    BENCH_WEB_PORT: z.coerce.number().int().default(3169),
  }),
  process.env,
);
const secrets = {
  AUTH_JWT_SECRET: "bench-jwt-secret-0123456789abcdef0123456789",
  CRON_SECRET: "bench-cron-secret-0123456789abcdef01234567",
  SHOPIFY_API_KEY: "bench-api-key",
  SHOPIFY_API_SECRET: "bench-api-secret-0123456789abcdef",
  TOKEN_ENCRYPTION_KEY: "bench-token-key-0123456789abcdef0123456789",
};
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
  process.send?.("ready");
  process.once("disconnect", () => void simulator.close().then(() => process.exit(0)));
}

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

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

async function main() {
  const cluster = await startEmbeddedPostgres({
    dataDir: mkdtempSync(join(tmpdir(), "bench-webhooks-")),
    persistent: false,
  });
  const children: ChildProcess[] = [];
  const stop = async () => {
    // The worker ends its jobs and sessions before the simulator it talks to and the database go.
    for (const child of [...children].reverse()) {
      const exited = child.exitCode === null ? once(child, "exit") : Promise.resolve();
      child.kill("SIGTERM");
      await exited;
    }
    await cluster.stop();
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
    const config = { ...secrets, SHOPIFY_API_ORIGIN: simulatorUrl, APP_URL: appUrl };
    const services: Services = {
      db,
      env: readApiEnv(config),
      shopify: readShopifyEnv(config),
      log: createLogger({ name: "bench-web", level: "silent" }),
    };
    const server = createApp(services).listen(env.BENCH_WEB_PORT, "127.0.0.1");
    await once(server, "listening");
    const simulator = fork(fileURLToPath(import.meta.url), {
      env: { ...process.env, BENCH_ROLE: "simulator" },
    });
    children.push(simulator);
    await once(simulator, "message");
    const worker = fork(fileURLToPath(new URL("../../worker/src/main.ts", import.meta.url)), {
      env: {
        ...process.env,
        ...config,
        DATABASE_URL: cluster.url,
        WORKER_CONCURRENCY: String(env.BENCH_WORKER_CONCURRENCY),
        LOG_LEVEL: "warn",
      },
    });
    children.push(worker);

    const connections = await connectShops(services);
    console.log(`${shops.length} shops connected and fully synced`);
    const result = await deliverChanges(services, connections);
    console.log(JSON.stringify(result, null, 2));
    server.close();
    server.closeAllConnections();
    await db.close();
  } catch (error) {
    console.error("bench:webhooks failed:", error);
    process.exitCode = 1;
  } finally {
    clearTimeout(timeout);
    await stop();
  }
}

/** Each shop connected as the OAuth callback leaves it: token, subscriptions, a full sync. */
async function connectShops(services: Services) {
  const connections: string[] = [];
  for (const [i, shop] of shops.entries()) {
    const { access_token: token } = (await control("POST", `/shops/${shop}/tokens`, {})) as {
      access_token: string;
    };
    const connectionId = await transaction(services.db.pool, async (tx) => {
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
      env: services.shopify,
      shop,
      accessToken: async () => token,
    });
    await ensureWebhookSubscriptions(client, `${appUrl}/api/v1/shopify/webhooks`);
    connections.push(connectionId);
  }
  for (;;) {
    const pending = await services.db.pool.query(
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
async function deliverChanges(services: Services, connections: string[]) {
  const ids = await Promise.all(
    shops.map(async (shop) => {
      const detail = (await control("GET", `/shops/${shop}/inventory`)) as { variantId: string }[];
      const customers = await services.db.pool.query<{ id: string }>(
        `SELECT c.shopify_id::text AS id FROM shopify_customers c
         JOIN shopify_connections k ON k.id = c.connection_id WHERE k.shop = $1`,
        [shop],
      );
      const products = await services.db.pool.query<{ id: string }>(
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
  const since = await services.db.pool.query<{ now: Date }>("SELECT now()");
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
    await watch(services, changes);
    if (next > Date.now()) await sleep(next - Date.now());
  }
  const deadline = Date.now() + 180_000;
  while (changes.some((change) => !change.visibleAt) && Date.now() < deadline) {
    await sleep(200);
    await watch(services, changes);
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
  const route = deliveries
    .filter((d) => d.status === 200 && d.durationMs !== null)
    .map((d) => d.durationMs as number)
    .sort((a, b) => a - b);
  const syncs = await services.db.pool.query<
    Columns<"shopify_sync_jobs", "connection_id"> & { n: number }
  >(
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
      p50: Math.round(percentile(route, 50) * 10) / 10,
      p99: Math.round(percentile(route, 99) * 10) / 10,
      max: Math.round((route.at(-1) ?? Number.NaN) * 10) / 10,
    },
  };
}

/** Marks the changes the mirrors show now. */
async function watch(services: Services, changes: Change[]) {
  const pending = changes.filter((change) => !change.visibleAt);
  if (!pending.length) return;
  const shown = await services.db.pool.query<{ i: number }>(
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
