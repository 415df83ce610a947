import { encryptSql } from "@roestify/db";
import { applyShopifyToLedger, connectionsPendingPush, pushInventory } from "@roestify/inventory";
import { createAdminClient, gidNumber, upsertMirrorRows } from "@roestify/shopify";
import { start } from "@roestify/shopify-simulator";
import { afterAll, describe, expect, it } from "vitest";
import { readEnvelope, signUserToken, startTestApp, testSecrets } from "./testing.ts";

const shop = "push-roesterei.myshopify.com";
const simulator = await start({
  apiKey: testSecrets.SHOPIFY_API_KEY,
  apiSecret: testSecrets.SHOPIFY_API_SECRET,
  shops: [{ domain: shop, seed: 11, products: 3, customers: 1, orders: 0, locations: 2 }],
});
afterAll(() => simulator.close());
const { url, db, services } = await startTestApp({ SHOPIFY_API_ORIGIN: simulator.url });
const primary = simulator.getShop(shop).locations.find((location) => location.isPrimary);
const locationId = gidNumber(primary?.id as string);

/** A connection whose mirrors hold the shop's variants and levels, as a full sync leaves them. */
async function connect(organizationId: string) {
  const { access_token } = simulator.createAccessToken(shop);
  await db.pool.query("INSERT INTO organizations (id) VALUES ($1)", [organizationId]);
  const connection = await db.pool.query<{ id: string }>(
    `INSERT INTO shopify_connections (organization_id, shop, scopes, api_version, access_token_encrypted, inventory_location_id)
     VALUES ($1, $2, '', '2026-10', ${encryptSql("$3", "$4")}, $5) RETURNING id`,
    [organizationId, shop, access_token, testSecrets.TOKEN_ENCRYPTION_KEY, locationId],
  );
  const connectionId = connection.rows[0]?.id as string;
  const levels = simulator
    .getInventory(shop, { locationId: primary?.id })
    .filter((level) => level.sku);
  for (const level of levels) {
    await db.pool.query(
      `INSERT INTO shopify_product_variants (connection_id, shopify_id, product_id, title, sku, inventory_item_id, raw)
       VALUES ($1, $2, 1, 'v', $3, $4, '{}') ON CONFLICT DO NOTHING`,
      [connectionId, gidNumber(level.variantId), level.sku, gidNumber(level.inventoryItemId)],
    );
    await db.pool.query(
      `INSERT INTO shopify_inventory_levels (connection_id, inventory_item_id, location_id, available, raw)
       VALUES ($1, $2, $3, $4, '{}')`,
      [connectionId, gidNumber(level.inventoryItemId), locationId, level.quantities.available],
    );
  }
  const client = createAdminClient({
    env: services.shopify,
    shop,
    accessToken: async () => access_token,
  });
  return { connectionId, client, sku: levels[0]?.sku as string, levels };
}

const shopifyAvailable = (sku: string) =>
  simulator.getInventory(shop, { sku, locationId: primary?.id })[0]?.quantities.available;

async function addMovement(organizationId: string, sku: string, delta: number, ref: string) {
  await db.pool.query(
    `INSERT INTO inventory_movements (organization_id, inventory_item_id, kind, delta, source_ref, occurred_at)
     SELECT organization_id, id, 'packaging', $3, $4, now() FROM inventory_items
     WHERE organization_id = $1 AND sku = $2`,
    [organizationId, sku, delta, ref],
  );
}

const noCatchUp = async () => {};
/** Whether the minutely tick would queue a push for the connection. */
const pendingPush = async (connectionId: string) =>
  (await connectionsPendingPush(db.pool)).some((connection) => connection.id === connectionId);

describe("pushing Roestify's stock to Shopify", () => {
  it("changes nothing on the first connection, then shows what was packaged", async () => {
    const { connectionId, client, sku, levels } = await connect("org-push");
    const before = levels.map((level) => shopifyAvailable(level.sku));
    await applyShopifyToLedger(db.pool, connectionId);
    expect(await pushInventory(db.pool, client, connectionId, noCatchUp)).toEqual({
      pushed: 0,
      conflicts: 0,
    });
    expect(levels.map((level) => shopifyAvailable(level.sku))).toEqual(before);
    expect(simulator.requests({ shop }).filter((r) => r.path.includes("graphql"))).toHaveLength(0);

    await addMovement("org-push", sku, 20, "packaging:1");
    expect(await pushInventory(db.pool, client, connectionId, noCatchUp)).toEqual({
      pushed: 1,
      conflicts: 0,
    });
    expect(shopifyAvailable(sku)).toBe((before[0] as number) + 20);
    const item = await db.pool.query(
      "SELECT last_pushed_quantity, push_status FROM inventory_items WHERE organization_id = 'org-push' AND sku = $1",
      [sku],
    );
    expect(item.rows).toEqual([
      { last_pushed_quantity: (before[0] as number) + 20, push_status: "pushed" },
    ]);
  });

  it("pushes nothing for a SKU before its opening balance is adopted, then what was packaged on top", async () => {
    // A packaging booked while the first full sync runs: the SKU exists and is mapped, but
    // Shopify's quantity is not adopted yet; pushing Roestify's figure would overwrite the shop's.
    // The shop was connected to the organisations of the tests before: it left them first.
    await db.pool.query("UPDATE shopify_connections SET status = 'disconnected' WHERE shop = $1", [
      shop,
    ]);
    const { connectionId, client, sku } = await connect("org-early");
    const before = shopifyAvailable(sku) as number;
    await db.pool.query(
      "INSERT INTO inventory_items (organization_id, sku) VALUES ('org-early', $1)",
      [sku],
    );
    await addMovement("org-early", sku, 20, "packaging:early");
    expect(await pendingPush(connectionId)).toBe(false);
    expect(await pushInventory(db.pool, client, connectionId, noCatchUp)).toEqual({
      pushed: 0,
      conflicts: 0,
    });
    expect(shopifyAvailable(sku)).toBe(before);

    await applyShopifyToLedger(db.pool, connectionId);
    expect(await pushInventory(db.pool, client, connectionId, noCatchUp)).toEqual({
      pushed: 1,
      conflicts: 0,
    });
    expect(shopifyAvailable(sku)).toBe(before + 20);
  });

  it("pushes 0 for negative stock", async () => {
    await db.pool.query("DELETE FROM shopify_connections");
    const { connectionId, client, sku } = await connect("org-negative");
    await applyShopifyToLedger(db.pool, connectionId);
    await addMovement("org-negative", sku, -100_000, "adjustment:1");
    await pushInventory(db.pool, client, connectionId, noCatchUp);
    expect(shopifyAvailable(sku)).toBe(0);
  });

  it("applies a push once when Shopify's answer is lost and the client sends it again", async () => {
    await db.pool.query("DELETE FROM shopify_connections");
    const { connectionId, client, sku } = await connect("org-lost-answer");
    await applyShopifyToLedger(db.pool, connectionId);
    const opening = shopifyAvailable(sku) as number;
    await addMovement("org-lost-answer", sku, 20, "packaging:lost");
    const logged = simulator.requests({ shop }).length;
    // Shopify applies the first request, but its answer never arrives.
    simulator.setFaults(shop, { next: ["lostResponse"] });
    const result = await pushInventory(db.pool, client, connectionId, noCatchUp);
    simulator.setFaults(shop, {});
    // The retry carries the same idempotency key: Shopify answers with the first result instead
    // of comparing again (which would have been stale) or applying twice.
    expect(result).toEqual({ pushed: 1, conflicts: 0 });
    expect(shopifyAvailable(sku)).toBe(opening + 20);
    const sent = simulator.requests({ shop }).slice(logged);
    expect(sent.map((entry) => [entry.operationName, entry.fault])).toEqual([
      ["InventorySetQuantities", "lostResponse"],
      ["InventorySetQuantities", null],
    ]);
  });

  it("on a stale compare reads Shopify again, catches up, and only then sets Roestify's stock", async () => {
    await db.pool.query("DELETE FROM shopify_connections");
    const { connectionId, client, sku } = await connect("org-stale");
    await applyShopifyToLedger(db.pool, connectionId);
    const opening = shopifyAvailable(sku) as number;
    // Shopify's quantity changed after our last read (e.g. in its admin).
    simulator.setInventory(shop, { sku, locationId: primary?.id, quantity: opening - 2 });
    await addMovement("org-stale", sku, 5, "packaging:2");
    let caughtUp = 0;
    const result = await pushInventory(db.pool, client, connectionId, async () => {
      caughtUp++;
    });
    expect(caughtUp).toBe(1);
    expect(result.pushed).toBe(1);
    // Roestify owns the stock: once compared against the real quantity, its own is set.
    expect(shopifyAvailable(sku)).toBe(opening + 5);
    const pushes = simulator
      .requests({ shop })
      .filter((entry) => entry.operationName === "InventorySetQuantities");
    expect(pushes.length).toBeGreaterThanOrEqual(2);
  });

  it("marks a SKU conflict when Shopify's quantity keeps moving, and says so", async () => {
    await db.pool.query("DELETE FROM shopify_connections");
    const { connectionId, client, sku } = await connect("org-busy-shop");
    await applyShopifyToLedger(db.pool, connectionId);
    await addMovement("org-busy-shop", sku, 1, "packaging:3");
    let moves = 0;
    const keepMoving = () => {
      moves++;
      simulator.setInventory(shop, { sku, locationId: primary?.id, quantity: 500 + moves });
    };
    // Every push finds the quantity changed again just before it arrives (a busy shop).
    const racing: typeof client = {
      ...client,
      request: async (document, variables) => {
        if (document.includes("inventorySetQuantities(")) keepMoving();
        return client.request(document, variables);
      },
    };
    const result = await pushInventory(db.pool, racing, connectionId, noCatchUp);
    expect(result).toEqual({ pushed: 0, conflicts: 1 });
    expect(moves).toBe(4);
    expect(shopifyAvailable(sku)).toBe(504);
    const item = await db.pool.query(
      "SELECT push_status, push_error FROM inventory_items WHERE organization_id = 'org-busy-shop' AND sku = $1",
      [sku],
    );
    expect(item.rows[0]).toEqual({ push_status: "conflict", push_error: expect.any(String) });
  });
});

describe("stock shared by the variants of one SKU", () => {
  it("sets every variant to the SKU's stock in one call; an order of one lowers both", async () => {
    await db.pool.query("DELETE FROM shopify_connections");
    const product = simulator.createProduct(shop, {
      title: "Kenia Kiambu",
      variants: [
        { option: "Ganze Bohne", sku: "KEN-SHARED", available: [8] },
        { option: "Espresso", sku: "KEN-SHARED", available: [8] },
      ],
    });
    const { connectionId, client } = await connect("org-shared");
    await applyShopifyToLedger(db.pool, connectionId);
    const variantAvailable = () =>
      simulator
        .getInventory(shop, { sku: "KEN-SHARED", locationId: primary?.id })
        .map((level) => level.quantities.available);
    await addMovement("org-shared", "KEN-SHARED", 4, "packaging:shared");
    const sent = simulator.requests({ shop }).length;
    expect(await pushInventory(db.pool, client, connectionId, noCatchUp)).toEqual({
      pushed: 1,
      conflicts: 0,
    });
    expect(variantAvailable()).toEqual([12, 12]);
    expect(
      simulator
        .requests({ shop })
        .slice(sent)
        .map((entry) => entry.operationName),
    ).toEqual(["InventorySetQuantities"]);

    // An order of the espresso grind: Shopify lowers that variant only; the ledger lowers the
    // SKU, and the push brings the whole bean down too.
    const espresso = product.variants[1]?.id as string;
    const order = simulator.placeOrder(shop, { lineItems: [{ variantId: espresso, quantity: 3 }] });
    expect(variantAvailable()).toEqual([12, 9]);
    const catchUp = async () => {
      await upsertMirrorRows(db.pool, connectionId, "shopify_orders", [
        {
          shopify_id: gidNumber(order.id),
          name: order.name,
          processed_at: order.createdAt,
          cancelled_at: null,
          line_items: order.lineItems.map((line) => ({
            id: gidNumber(line.id),
            variant_id: gidNumber(line.variantId as string),
            sku: line.sku,
            quantity: line.quantity,
          })),
          raw: {},
          shopify_updated_at: order.updatedAt,
        },
      ]);
      await applyShopifyToLedger(db.pool, connectionId);
    };
    await catchUp();
    await pushInventory(db.pool, client, connectionId, catchUp);
    expect(variantAvailable()).toEqual([9, 9]);
    const item = await db.pool.query(
      "SELECT available FROM inventory_items WHERE organization_id = 'org-shared' AND sku = 'KEN-SHARED'",
    );
    expect(item.rows).toEqual([{ available: 9 }]);
  });
});

describe("the pause switch", () => {
  it("stops pushes while off (stock still booked); switched on, it pushes the current stock", async () => {
    await db.pool.query("DELETE FROM shopify_connections");
    const { connectionId, client, sku } = await connect("org-pause");
    await applyShopifyToLedger(db.pool, connectionId);
    const opening = shopifyAvailable(sku) as number;
    const authorization = await signUserToken({ org: "org-pause" });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await readEnvelope(response)).data;
    };
    const paused = await call("PATCH", "/api/v1/shopify/connection", {
      inventory_push_enabled: false,
    });
    expect(paused.inventory_push_enabled).toBe(false);
    const packaged = await call("POST", "/api/v1/inventory/packagings", { sku, quantity: 6 });
    expect(packaged).toMatchObject({ available: opening + 6, push: "paused" });
    const listed = (await call("GET", "/api/v1/inventory")).find(
      (item: { sku: string }) => item.sku === sku,
    );
    expect(listed).toMatchObject({ available: opening + 6, push_status: "paused" });
    expect(await pushInventory(db.pool, client, connectionId, noCatchUp)).toEqual({
      pushed: 0,
      conflicts: 0,
    });
    expect(await pendingPush(connectionId)).toBe(false);
    expect(shopifyAvailable(sku)).toBe(opening);
    const queued = () =>
      db.pool.query(
        "SELECT type, requested_by FROM shopify_sync_jobs WHERE connection_id = $1 AND status = 'queued'",
        [connectionId],
      );
    expect((await queued()).rows).toEqual([]);

    const resumed = await call("PATCH", "/api/v1/shopify/connection", {
      inventory_push_enabled: true,
    });
    expect(resumed.inventory_push_enabled).toBe(true);
    expect((await queued()).rows).toEqual([
      { type: "inventory_push", requested_by: "user:user-1" },
    ]);
    await pushInventory(db.pool, client, connectionId, noCatchUp);
    expect(shopifyAvailable(sku)).toBe(opening + 6);
  });
});
