import { describe, expect, it } from "vitest";
import { connectShop, jobRow, runJob, startSyncEnvironment } from "./sync-testing.ts";

const shop = "lager-roesterei.myshopify.com";
const { simulator, db, services } = await startSyncEnvironment([
  { domain: shop, seed: 21, products: 4, customers: 3, orders: 5, locations: 2 },
]);
const connection = await connectShop(services, simulator, shop);
const primary = simulator.getShop(shop).locations.find((location) => location.isPrimary)?.id;

const shopify = (sku: string) =>
  simulator.getInventory(shop, { sku, locationId: primary })[0]?.quantities.available as number;

async function runToSuccess(type: "full_sync" | "incremental_sync" | "inventory_push") {
  const id = await runJob(services, connection, type);
  expect((await jobRow(services, id)).status).toBe("succeeded");
}

async function packaged(sku: string, quantity: number, ref: string) {
  await db.pool.query(
    `INSERT INTO inventory_movements (organization_id, inventory_item_id, kind, delta, source_ref, occurred_at)
     SELECT organization_id, id, 'packaging', $3, $4, now() FROM inventory_items
     WHERE organization_id = $1 AND sku = $2`,
    [connection.organizationId, sku, quantity, ref],
  );
}

const roestify = async (sku: string) =>
  (
    await db.pool.query(
      `SELECT coalesce(sum(m.delta), 0)::int AS available FROM inventory_items i
       LEFT JOIN inventory_movements m ON m.inventory_item_id = i.id
       WHERE i.organization_id = $1 AND i.sku = $2`,
      [connection.organizationId, sku],
    )
  ).rows[0].available as number;

describe("inventory push job", () => {
  it("never overwrites a sale Shopify made between two packagings", async () => {
    const sku = simulator.getInventory(shop, { locationId: primary }).find((level) => level.sku)
      ?.sku as string;
    const opening = shopify(sku);
    await runToSuccess("full_sync");
    // Connecting changed nothing: Roestify adopted Shopify's quantity.
    expect(await roestify(sku)).toBe(opening);
    expect(shopify(sku)).toBe(opening);

    await packaged(sku, 20, "packaging:a");
    await runToSuccess("inventory_push");
    expect(shopify(sku)).toBe(opening + 20);

    // A customer buys 3 in the shop; Roestify has not seen the order yet when it packages 5 more.
    const order = simulator.placeOrder(shop, { lineItems: [{ sku, quantity: 3 }] });
    await packaged(sku, 5, "packaging:b");
    await runToSuccess("inventory_push");
    expect(shopify(sku)).toBe(opening - 3 + 25);
    expect(await roestify(sku)).toBe(opening - 3 + 25);

    // The cancellation gives the 3 back on both sides.
    simulator.cancelOrder(shop, order.id);
    await runToSuccess("incremental_sync");
    expect(await roestify(sku)).toBe(opening + 25);
    await runToSuccess("inventory_push");
    expect(shopify(sku)).toBe(opening + 25);
  });
});
