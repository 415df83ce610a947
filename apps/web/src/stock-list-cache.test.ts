/**
 * The stock list's cache: two web apps on one database, each keeping its rendered list, answer
 * every change the list shows at once (whichever app or job made it), and a third app renders
 * each list afresh to compare with. The version moves with each such change, and only then.
 */
import { stockListVersion } from "@roestify/inventory";
import { connectShop, runAttempt, runJob, startSyncEnvironment } from "@roestify/jobs/testing";
import { describe, expect, it } from "vitest";
import { readEnvelope, signUserToken, startAnotherApp } from "./testing.ts";

const shop = "vorrat-roesterei.myshopify.com";
const { simulator, db, services } = await startSyncEnvironment([
  { domain: shop, seed: 61, products: 3, customers: 1, orders: 0, locations: 1 },
]);
const connection = await connectShop(services, simulator, shop);
const one = await startAnotherApp(services);
const two = await startAnotherApp(services);
const uncached = await startAnotherApp(services, { answerCacheBytes: 0 });
const authorization = await signUserToken({ org: connection.organizationId });
const sku = simulator.getInventory(shop).find((level) => level.sku)?.sku as string;

interface Item {
  sku: string;
  available: number;
  shopify_available: number | null;
  shopify_variants: unknown[];
  last_pushed_quantity: number | null;
  push_status: string;
}

const version = () => stockListVersion(db.pool, connection.organizationId);

async function call(app: string, method: string, path: string, body?: object) {
  const response = await fetch(`${app}/api/v1${path}`, {
    method,
    headers: { authorization, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  return { status: response.status, body: await readEnvelope(response) };
}

async function list(app: string): Promise<Item[]> {
  const answer = await call(app, "GET", "/inventory");
  expect(answer.status).toBe(200);
  return answer.body.data;
}

/** Both caching apps have the list rendered; `change` moves the version; both answer afresh. */
async function afterChange(change: () => Promise<unknown>) {
  await list(one);
  await list(two);
  const before = await version();
  await change();
  expect(await version()).not.toBe(before);
  const fresh = await list(uncached);
  expect(await list(one)).toEqual(fresh);
  expect(await list(two)).toEqual(fresh);
  return fresh.find((item) => item.sku === sku) as Item;
}

describe("the stock list's cache", () => {
  it("follows syncs that change what it shows, and keeps its version when they change nothing", async () => {
    expect(await list(one)).toEqual([]);
    // A kept answer is sent as `res.json` sends one.
    const kept = await fetch(`${one}/api/v1/inventory`, { headers: { authorization } });
    expect(kept.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await kept.text()).toBe('{"data":[]}');
    const synced = await afterChange(() => runJob(services, connection, "full_sync"));
    expect(synced.push_status).toBe("in_sync");

    const unchanged = await version();
    await runJob(services, connection, "full_sync");
    await runJob(services, connection, "incremental_sync");
    expect(await version()).toBe(unchanged);

    simulator.setInventory(shop, { sku, quantity: synced.available + 7 });
    const levelSynced = await afterChange(() => runJob(services, connection, "incremental_sync"));
    expect(levelSynced.shopify_available).toBe(synced.available + 7);
  });

  it("answers a packaging or adjustment made through the other app at once", async () => {
    const before = (await list(one)).find((item) => item.sku === sku) as Item;
    const packaged = await afterChange(async () => {
      const made = await call(two, "POST", "/inventory/packagings", { sku, quantity: 12 });
      expect(made.status).toBe(201);
    });
    expect(packaged.available).toBe(before.available + 12);
    expect(packaged.push_status).toBe("pending");

    const adjusted = await afterChange(async () => {
      const made = await call(one, "POST", "/inventory/adjustments", {
        sku,
        delta: -2,
        reason: "write_off",
      });
      expect(made.status).toBe(201);
    });
    expect(adjusted.available).toBe(before.available + 10);
  });

  it("follows pushes, mappings, the pause switch, a sync writing a variant and a purge", async () => {
    // The push the packaging queued.
    const queued = await db.pool.query<{ id: string }>(
      "SELECT id FROM shopify_sync_jobs WHERE type = 'inventory_push' AND status = 'queued'",
    );
    const pushed = await afterChange(() =>
      runAttempt(services, "inventory_push", queued.rows[0]?.id as string),
    );
    expect(pushed.last_pushed_quantity).toBe(pushed.available);
    expect(pushed.push_status).toBe("in_sync");

    const unmapped = await afterChange(() =>
      call(one, "PUT", `/inventory/${encodeURIComponent(sku)}/mapping`, {
        shopify_variant_ids: [],
      }),
    );
    expect(unmapped.push_status).toBe("not_mapped");

    const paused = await afterChange(() =>
      call(two, "PATCH", "/shopify/connection", { inventory_push_enabled: false }),
    );
    expect(paused.push_status).toBe("not_mapped");
    const other = (await list(uncached)).find((item) => item.shopify_variants.length);
    expect(other?.push_status).toBe("paused");

    // A variant renamed in the shop: its SKU in Roestify has no variant left.
    const renamed = simulator.getInventory(shop).find((level) => level.sku && level.sku !== sku);
    simulator.updateVariant(shop, renamed?.variantId as string, { sku: "umbenannt" });
    await afterChange(() => runJob(services, connection, "incremental_sync"));
    const left = (await list(one)).find((item) => item.sku === renamed?.sku);
    expect(left?.shopify_variants).toEqual([]);

    const purged = await afterChange(() => call(one, "DELETE", "/shopify/connection?purge=true"));
    expect(purged.push_status).toBe("not_connected");
  });
});
