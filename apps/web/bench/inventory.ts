/**
 * Benchmark of Roestify's stock (`pnpm bench:inventory`): 10,000 SKUs mapped to a simulated shop's
 * variants, 1,000,000 movements booked on them; then
 * - `GET /api/v1/inventory` (every SKU, over HTTP on 127.0.0.1, the web app in its own process as
 *   in production), each request until its last byte arrived: p50 and p99 of 200 requests while
 *   nothing changes (the list the web process keeps), and of 100 requests each right after a
 *   packaging (the list rendered afresh);
 * - what the stock list's version triggers add: to a full sync's import of the shop's variants and
 *   levels (BENCH_SKUS of each, one transaction) and to a packaging, each with the triggers and
 *   without (disabled), medians;
 * - the minutely tick's push-target computation (`connectionsPendingPush`, everything in sync: it
 *   has to look at every SKU) and a push's targets (`pushTargets`, 1,000 SKUs changed): median and max;
 * - a push of 1,000 changed SKUs to the shop under Shopify's Standard throttle (100 points/s),
 *   its bucket empty (a shop other apps and syncs keep busy), against the time the throttle
 *   requires for the calls' cost.
 * A throwaway embedded PostgreSQL; the web app on BENCH_PORT (default 3180), the simulator in this
 * process on BENCH_PORT + 1. BENCH_SKUS and BENCH_MOVEMENTS change the sizes.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Columns,
  createDatabase,
  encryptSql,
  parseEnv,
  prepareDatabase,
  startEmbeddedPostgres,
} from "@roestify/db";
import {
  applyShopifyToLedger,
  connectionsPendingPush,
  pushInventory,
  pushTargets,
} from "@roestify/inventory";
import { testSecrets, testServices } from "@roestify/runtime/testing";
import { createAdminClient, gidNumber } from "@roestify/shopify";
import { start } from "@roestify/shopify-simulator";
import { SignJWT } from "jose";
import { z } from "zod";
import { startWebProcess } from "./web-process.ts";

const count = z.coerce.number().int().min(1);
const env = parseEnv(
  z.object({
    BENCH_SKUS: count.default(10_000),
    BENCH_MOVEMENTS: count.default(1_000_000),
    BENCH_CHANGED: count.default(1_000),
    BENCH_AFTER_CHANGE: count.default(100),
    BENCH_PORT: count.default(3180),
  }),
  process.env,
);
const shop = "bestand-roesterei.myshopify.com";
const organizationId = "org-bench";
const standardThrottle = { restoreRate: 100, maximumAvailable: 2000 };

const stage = (message: string) => console.error(`bench: ${message}`);
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
const round = (ms: number) => Math.round(ms * 10) / 10;

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await work();
  return [performance.now() - started, result];
}

async function times(runs: number, work: () => Promise<unknown>) {
  const all: number[] = [];
  for (let run = 0; run < runs; run++) all.push((await timed(work))[0]);
  return summary(all);
}

function summary(all: number[]) {
  all.sort((a, b) => a - b);
  return {
    p50: round(percentile(all, 50)),
    p99: round(percentile(all, 99)),
    max: round(all.at(-1) ?? 0),
  };
}

const cluster = await startEmbeddedPostgres({
  dataDir: mkdtempSync(join(tmpdir(), "roestify-bench-inventory-")),
  persistent: false,
});
const simulator = await start({
  apiKey: testSecrets.SHOPIFY_API_KEY,
  apiSecret: testSecrets.SHOPIFY_API_SECRET,
  host: "127.0.0.1",
  port: env.BENCH_PORT + 1,
  ...standardThrottle,
});
let web: ChildProcess | undefined;
let clientProcess: ChildProcess | undefined;
const db = createDatabase(cluster.url);
try {
  await prepareDatabase(cluster.url);
  // Three variants a product: as many variants as SKUs, every SKU its own.
  simulator.createShop({
    domain: shop,
    seed: 7,
    products: Math.ceil(env.BENCH_SKUS / 3),
    customers: 0,
    orders: 0,
    locations: 1,
  });
  const location = simulator.getShop(shop).locations[0]?.id as string;
  const levels = simulator
    .getInventory(shop, { locationId: location })
    .filter((level) => level.sku)
    .slice(0, env.BENCH_SKUS);
  const { access_token } = simulator.createAccessToken(shop);
  await db.pool.query("INSERT INTO organizations (id) VALUES ($1)", [organizationId]);
  const connection = await db.pool.query<Columns<"shopify_connections", "id">>(
    `INSERT INTO shopify_connections (organization_id, shop, scopes, api_version, access_token_encrypted, inventory_location_id)
     VALUES ($1, $2, '', '2026-10', ${encryptSql("$3", "$4")}, $5) RETURNING id`,
    [organizationId, shop, access_token, testSecrets.TOKEN_ENCRYPTION_KEY, gidNumber(location)],
  );
  const connectionId = connection.rows[0]?.id as string;
  // The mirrors as a full sync leaves them, then the ledger's SKUs and openings.
  const mirrorLevels = JSON.stringify(
    levels.map((level) => ({
      variant: gidNumber(level.variantId),
      item: gidNumber(level.inventoryItemId),
      sku: level.sku,
      available: level.quantities.available,
    })),
  );
  const importMirrors = (connection: string) =>
    db.pool.query(
      `WITH level AS (SELECT * FROM jsonb_to_recordset($2::jsonb)
         AS l(variant bigint, item bigint, sku text, available int)),
       variants AS (
         INSERT INTO shopify_product_variants (connection_id, shopify_id, product_id, title, sku, inventory_item_id, raw)
         SELECT $1, variant, 1, 'v', sku, item, '{}' FROM level)
       INSERT INTO shopify_inventory_levels (connection_id, inventory_item_id, location_id, available, raw)
       SELECT $1, item, $3, available, '{}' FROM level`,
      [connection, mirrorLevels, gidNumber(location)],
    );
  await importMirrors(connectionId);
  await applyShopifyToLedger(db.pool, connectionId);
  // The history: pairs of movements that cancel out, so every SKU stays in sync with the shop.
  const [bookMs] = await timed(() =>
    db.pool.query(
      `WITH items AS (SELECT array_agg(id ORDER BY id) AS ids FROM inventory_items
                      WHERE organization_id = $1)
       INSERT INTO inventory_movements (organization_id, inventory_item_id, kind, delta, source_ref, occurred_at)
       SELECT $1, ids[(m / 2) % cardinality(ids) + 1], 'adjustment',
              CASE WHEN m % 2 = 0 THEN 3 ELSE -3 END, 'adjustment:bench:' || m,
              now() - make_interval(secs => $2 - m)
       FROM items, generate_series(0, $2 - 1) AS m`,
      [organizationId, env.BENCH_MOVEMENTS],
    ),
  );
  await db.pool.query("VACUUM ANALYZE");
  const movements = await db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM inventory_movements",
  );
  stage(
    `${levels.length} SKUs, ${movements.rows[0]?.n} movements (${Math.round(bookMs)} ms to book)`,
  );

  const services = testServices(db, { SHOPIFY_API_ORIGIN: simulator.url });
  const started = await startWebProcess({ databaseUrl: cluster.url, port: env.BENCH_PORT });
  web = started.process;
  const token = await new SignJWT({ org: organizationId })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("bench")
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(testSecrets.AUTH_JWT_SECRET));
  const fetchList = () =>
    fetch(`${started.url}/api/v1/inventory`, { headers: { authorization: `Bearer ${token}` } });
  // The answer is checked once; the timed requests must be that long (nothing changes stock
  // meanwhile). They run in a small process of their own (see list-client.ts).
  const first = await fetchList().then((response) => response.text());
  const listed = (JSON.parse(first) as { data: unknown[] }).data.length;
  if (listed !== levels.length) throw new Error(`the list has ${listed} of ${levels.length} SKUs`);
  const listClient = fork(fileURLToPath(new URL("./list-client.ts", import.meta.url)), [], {
    execArgv: [],
  });
  clientProcess = listClient;
  const list = (runs: number) =>
    new Promise<number[]>((resolve, reject) => {
      listClient.once("message", (all) => resolve(all as number[]));
      listClient.once("error", reject);
      listClient.send({
        url: `${started.url}/api/v1/inventory`,
        authorization: `Bearer ${token}`,
        bytes: Buffer.byteLength(first),
        runs,
      });
    });
  // The web process's CPU time (user and system, in clock ticks of 10 ms) per request: what the
  // latencies are made of, much less dependent on the machine's other load than they are.
  const webCpuMs = () => {
    const fields = readFileSync(`/proc/${web?.pid}/stat`, "utf8").split(") ")[1]?.split(" ");
    return (Number(fields?.[11]) + Number(fields?.[12])) * 10;
  };
  await list(5);
  let cpuBefore = webCpuMs();
  const inventoryList = {
    ...summary(await list(200)),
    webCpuMsPerRequest: round((webCpuMs() - cpuBefore) / 200),
  };
  stage(
    `GET /api/v1/inventory: p50 ${inventoryList.p50} ms, p99 ${inventoryList.p99} ms (web process: ${inventoryList.webCpuMsPerRequest} ms CPU a request)`,
  );

  const checkPending = async () => {
    const pending = await connectionsPendingPush(db.pool);
    if (pending.length) throw new Error("nothing should be pending");
  };
  await times(3, checkPending);
  const pendingCheck = await times(50, checkPending);
  stage(
    `connectionsPendingPush (all in sync): p50 ${pendingCheck.p50} ms, max ${pendingCheck.max} ms`,
  );

  // A packaging of the first SKU before each request (not timed): each answer is rendered afresh
  // and must differ from the one before. That SKU is among the BENCH_CHANGED ones below.
  let packagings = 0;
  const packageFirstSku = () =>
    db.pool.query(
      `INSERT INTO inventory_movements (organization_id, inventory_item_id, kind, delta, source_ref, occurred_at)
       SELECT organization_id, id, 'packaging', 1, 'packaging:bench-list:' || $2, now()
       FROM inventory_items WHERE organization_id = $1 ORDER BY sku LIMIT 1`,
      [organizationId, ++packagings],
    );
  let previous = Buffer.from(first);
  const afterChange: number[] = [];
  let cpuMs = 0;
  for (let request = 0; request < env.BENCH_AFTER_CHANGE + 3; request++) {
    await packageFirstSku();
    cpuBefore = webCpuMs();
    const [ms, answer] = await timed(async () =>
      Buffer.from(await (await fetchList()).arrayBuffer()),
    );
    if (answer.equals(previous)) throw new Error("the list did not follow the packaging");
    previous = answer;
    if (request < 3) continue;
    afterChange.push(ms);
    cpuMs += webCpuMs() - cpuBefore;
  }
  const listAfterChange = {
    ...summary(afterChange),
    webCpuMsPerRequest: round(cpuMs / afterChange.length),
  };
  stage(
    `GET /api/v1/inventory after a packaging: p50 ${listAfterChange.p50} ms, p99 ${listAfterChange.p99} ms (web process: ${listAfterChange.webCpuMsPerRequest} ms CPU a request)`,
  );

  await db.pool.query(
    `INSERT INTO inventory_movements (organization_id, inventory_item_id, kind, delta, source_ref, occurred_at)
     SELECT organization_id, id, 'packaging', 5, 'packaging:bench:' || id, now()
     FROM inventory_items WHERE organization_id = $1 ORDER BY sku LIMIT $2`,
    [organizationId, env.BENCH_CHANGED],
  );
  const targets = await times(50, async () => {
    const found = await pushTargets(db.pool, connectionId);
    if (found.length !== env.BENCH_CHANGED) throw new Error(`${found.length} targets`);
  });
  stage(`pushTargets (${env.BENCH_CHANGED} changed): p50 ${targets.p50} ms, max ${targets.max} ms`);

  // The shop's bucket is empty when the push starts: every point it costs must be restored.
  simulator.updateShop(shop, { currentlyAvailable: 0 });
  const logged = simulator.requests({ shop }).length;
  const client = createAdminClient({
    env: services.shopify,
    shop,
    accessToken: async () => access_token,
  });
  const [pushMs, pushed] = await timed(() =>
    pushInventory(db.pool, client, connectionId, async () => {}),
  );
  const calls = simulator.requests({ shop }).slice(logged);
  const cost = calls
    .filter((call) => !call.throttled && call.status === 200)
    .reduce((sum, call) => sum + (call.cost ?? 0), 0);
  const requiredMs = (cost / standardThrottle.restoreRate) * 1000;
  stage(
    `push of ${pushed.pushed} SKUs: ${Math.round(pushMs)} ms, ${calls.length} calls costing ${cost} points; the throttle requires ${Math.round(requiredMs)} ms (${round(pushMs / requiredMs)} ×)`,
  );
  // What the stock list's version triggers add, with them and without (disabled in between):
  // a full sync's import of a shop's variants and levels (a second organisation's connection,
  // deleted again untimed), and a packaging.
  const triggers = await db.pool.query<{ relation: string; name: string }>(
    `SELECT tgrelid::regclass::text AS relation, tgname AS name FROM pg_trigger
     WHERE tgfoid = 'stock_list_version_bump'::regproc`,
  );
  const switchTriggers = async (on: boolean) => {
    for (const { relation, name } of triggers.rows) {
      await db.pool.query(`ALTER TABLE ${relation} ${on ? "ENABLE" : "DISABLE"} TRIGGER "${name}"`);
    }
  };
  await db.pool.query("INSERT INTO organizations (id) VALUES ('org-bench-import')");
  const importing = await db.pool.query<{ id: string }>(
    `INSERT INTO shopify_connections (organization_id, shop, scopes, api_version, inventory_location_id)
     VALUES ('org-bench-import', 'import-roesterei.myshopify.com', '', '2026-10', $1) RETURNING id`,
    [gidNumber(location)],
  );
  const importingId = importing.rows[0]?.id as string;
  const medians = async (runs: number, work: () => Promise<unknown>, after = async () => {}) => {
    const result = { on: [] as number[], off: [] as number[] };
    for (let run = 0; run < runs; run++) {
      for (const on of [true, false]) {
        await switchTriggers(on);
        result[on ? "on" : "off"].push((await timed(work))[0]);
        await after();
      }
    }
    await switchTriggers(true);
    return { on: summary(result.on).p50, off: summary(result.off).p50 };
  };
  const deleteImported = async () => {
    await db.pool.query("DELETE FROM shopify_inventory_levels WHERE connection_id = $1", [
      importingId,
    ]);
    await db.pool.query("DELETE FROM shopify_product_variants WHERE connection_id = $1", [
      importingId,
    ]);
  };
  const importCost = await medians(5, () => importMirrors(importingId), deleteImported);
  const packagingCost = await medians(100, packageFirstSku);
  const triggerOverhead = { importMs: importCost, packagingMs: packagingCost };
  stage(
    `stock list triggers: import of ${levels.length} variants and levels ${importCost.on} ms (${importCost.off} ms without), a packaging ${packagingCost.on} ms (${packagingCost.off} ms without)`,
  );
  console.log(
    JSON.stringify({
      skus: levels.length,
      movements: movements.rows[0]?.n,
      inventoryListMs: inventoryList,
      inventoryListAfterChangeMs: listAfterChange,
      stockListTriggers: triggerOverhead,
      pendingPushCheckMs: pendingCheck,
      pushTargetsMs: targets,
      push: {
        skus: pushed.pushed,
        ms: Math.round(pushMs),
        calls: calls.length,
        throttled: calls.filter((call) => call.throttled).length,
        cost,
        throttleRequiresMs: Math.round(requiredMs),
        ratio: round(pushMs / requiredMs),
      },
    }),
  );
} finally {
  web?.kill();
  clientProcess?.kill();
  await db.close();
  await simulator.close();
  await cluster.stop();
}
