import { encryptSql } from "@roestify/db";
import { applyShopifyToLedger, pushInventory } from "@roestify/inventory";
import { createAdminClient, gidNumber } from "@roestify/shopify";
import { start } from "@roestify/shopify-simulator";
import { afterAll, describe, expect, it } from "vitest";
import { startTestApp, testSecrets } from "./testing.ts";

const shop = "push-roesterei.myshopify.com";
const simulator = await start({
  apiKey: testSecrets.SHOPIFY_API_KEY,
  apiSecret: testSecrets.SHOPIFY_API_SECRET,
  shops: [{ domain: shop, seed: 11, products: 3, customers: 1, orders: 0, locations: 2 }],
});
afterAll(() => simulator.close());
const { db, services } = await startTestApp({ SHOPIFY_API_ORIGIN: simulator.url });
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

describe("pushing Roestify's stock to Shopify", () => {
  const noCatchUp = async () => {};

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
