import { randomUUID } from "node:crypto";
import { defaultScopes } from "@roestify/shopify";
import { describe, expect, it } from "vitest";
import { acceptWebhook } from "./lifecycle/webhook-intake.ts";
import { processWebhookEvent } from "./lifecycle/webhook-processing.ts";
import { connectShop, runAttempt, runJob, skuStock, startSyncEnvironment } from "./sync-testing.ts";

const shop = "retouren-roesterei.myshopify.com";
const { simulator, services } = await startSyncEnvironment([
  { domain: shop, seed: 23, products: 2, customers: 1, orders: 0, locations: 1 },
]);
// Returns are read with `read_returns`, which the connection was granted on top of the defaults.
const scopes = `${defaultScopes},read_returns`;
const connection = await connectShop(services, simulator, shop, scopes);
await services.db.pool.query("UPDATE shopify_connections SET scopes = $2 WHERE id = $1", [
  connection.connectionId,
  scopes,
]);
const product = simulator.createProduct(shop, {
  title: "Kolumbien Huila",
  variants: [{ option: "250 g", sku: "HUILA-250", available: [30] }],
});
const variantId = product.variants[0]?.id as string;

const sync = (type: "full_sync" | "incremental_sync") => runJob(services, connection, type);

/** An `orders/updated` delivery as the route stores it, processed; the sync it queues, run. */
async function webhookSync(orderId: string) {
  const eventId = randomUUID();
  await acceptWebhook(services.db, {
    eventId,
    webhookId: randomUUID(),
    topic: "orders/updated",
    shop,
    apiVersion: "2026-10",
    triggeredAt: new Date(),
    payload: { id: Number(orderId.split("/").pop()), admin_graphql_api_id: orderId },
  });
  const event = await services.db.pool.query<{ id: string }>(
    "SELECT id FROM shopify_webhook_events WHERE event_id = $1",
    [eventId],
  );
  await processWebhookEvent(services, event.rows[0]?.id as string);
  const queued = await services.db.pool.query<{ id: string }>(
    `SELECT id FROM shopify_sync_jobs
     WHERE connection_id = $1 AND requested_by = 'webhook' AND status = 'queued'`,
    [connection.connectionId],
  );
  expect(queued.rows).toHaveLength(1);
  await runAttempt(services, "incremental_sync", queued.rows[0]?.id as string);
}

const shopifyAvailable = () =>
  simulator.getInventory(shop, { sku: "HUILA-250" })[0]?.quantities.available;

async function roestify() {
  const stock = await skuStock(services, connection.organizationId, "HUILA-250");
  return {
    available: stock?.available,
    restocks: stock?.kinds.filter((kind) => /^shopify_re(fund|turn) /.test(kind)) ?? [],
  };
}

/** A shipped order of `quantity` bags, booked: its line item's id. */
async function shippedOrder(quantity: number) {
  const order = simulator.placeOrder(shop, { lineItems: [{ variantId, quantity }] });
  simulator.fulfillOrder(shop, order.id);
  await sync("incremental_sync");
  return { orderId: order.id, lineItemId: order.lineItems[0]?.id as string };
}

describe("stock that follows processed returns", () => {
  it("books a return's restock once, whether a full or an incremental sync sees it first", async () => {
    await sync("full_sync");
    // Shopify's timestamps are whole seconds: later events must not fall into the opening's.
    simulator.advanceClock(1000);
    expect((await roestify()).available).toBe(30);
    const first = await shippedOrder(5);
    expect((await roestify()).available).toBe(25);

    // Returned without a refund, two bags back on the shelf; first seen by an incremental sync
    // (as an `orders/updated` webhook's sync), then again by both kinds.
    simulator.processReturn(shop, first.orderId, {
      lineItems: [{ lineItemId: first.lineItemId, quantity: 2 }],
    });
    expect(shopifyAvailable()).toBe(27);
    await sync("incremental_sync");
    expect((await roestify()).available).toBe(27);
    await sync("incremental_sync");
    await sync("full_sync");
    expect(await roestify()).toEqual({ available: 27, restocks: ["shopify_return 2"] });

    // First seen by a full sync (its bulk operation), then by an incremental one.
    const second = await shippedOrder(3);
    simulator.advanceClock(1000);
    simulator.processReturn(shop, second.orderId, {
      lineItems: [{ lineItemId: second.lineItemId, quantity: 3 }],
    });
    await sync("full_sync");
    await sync("incremental_sync");
    expect(shopifyAvailable()).toBe(27);
    expect(await roestify()).toEqual({
      available: 27,
      restocks: ["shopify_return 2", "shopify_return 3"],
    });
  });

  it("books a return processed with a refund once, not as the refund's restock too", async () => {
    const start = (await roestify()).available as number;
    const order = await shippedOrder(4);
    const processed = simulator.processReturn(shop, order.orderId, {
      lineItems: [{ lineItemId: order.lineItemId, quantity: 3 }],
      refund: true,
    });
    expect(processed.refundIds).toHaveLength(1);
    expect(shopifyAvailable()).toBe(start - 1);
    // First seen by the sync an `orders/updated` webhook queues.
    await webhookSync(order.orderId);
    expect((await roestify()).available).toBe(start - 1);
    await sync("full_sync");
    await sync("incremental_sync");
    const stock = await roestify();
    expect(stock.available).toBe(start - 1);
    expect(stock.restocks.slice(-1)).toEqual(["shopify_return 3"]);
    expect(stock.restocks.filter((kind) => kind.startsWith("shopify_refund"))).toEqual([]);
  });

  it("books a return paid by 7 refunds once per restocked bag, by incremental or full sync first", async () => {
    const start = (await roestify()).available as number;
    const returnUnitByUnit = async () => {
      const order = await shippedOrder(7);
      simulator.advanceClock(1000);
      // Processed bag by bag, each with its refund: more refunds than a page of a return's.
      const processed = simulator.processReturn(shop, order.orderId, {
        lineItems: [{ lineItemId: order.lineItemId, quantity: 7 }],
        refund: true,
        unitByUnit: true,
      });
      expect(processed.refundIds).toHaveLength(7);
      expect(shopifyAvailable()).toBe(start);
    };
    const bookedOnce = async () => {
      const stock = await roestify();
      expect(stock.available).toBe(start);
      expect(stock.restocks.filter((kind) => kind.startsWith("shopify_refund"))).toEqual([]);
      // Every movement has its own source: 7 bags are 7 dispositions of one bag.
      expect(stock.restocks.slice(-7)).toEqual(Array(7).fill("shopify_return 1"));
    };

    await returnUnitByUnit();
    await sync("incremental_sync");
    await bookedOnce();
    await sync("full_sync");
    await sync("incremental_sync");
    await bookedOnce();

    await returnUnitByUnit();
    await sync("full_sync");
    await bookedOnce();
    await sync("incremental_sync");
    await sync("full_sync");
    await bookedOnce();
    expect((await roestify()).restocks.filter((kind) => kind === "shopify_return 1")).toHaveLength(
      14,
    );
  });

  it("books nothing for a return's refund mirrored before refunds named their return", async () => {
    const start = (await roestify()).available as number;
    const order = await shippedOrder(3);
    const processed = simulator.processReturn(shop, order.orderId, {
      lineItems: [{ lineItemId: order.lineItemId, quantity: 2 }],
      refund: true,
    });
    await sync("incremental_sync");
    // As mirrored before: the refund without its return, the return listing it.
    const numbers = (ids: string[]) => ids.map((id) => Number(id.split("/").pop()));
    await services.db.pool.query(
      "UPDATE shopify_refunds SET raw = raw - 'return' WHERE connection_id = $1 AND shopify_id = ANY ($2)",
      [connection.connectionId, numbers(processed.refundIds)],
    );
    await services.db.pool.query(
      "UPDATE shopify_returns SET refund_ids = $3 WHERE connection_id = $1 AND shopify_id = $2",
      [
        connection.connectionId,
        ...numbers([processed.id]),
        JSON.stringify(numbers(processed.refundIds)),
      ],
    );
    // The order changes again (one more bag back): its refunds are looked at anew.
    simulator.processReturn(shop, order.orderId, {
      lineItems: [{ lineItemId: order.lineItemId, quantity: 1 }],
    });
    await sync("incremental_sync");
    await sync("full_sync");
    expect(shopifyAvailable()).toBe(start);
    expect((await roestify()).available).toBe(start);
  });

  it("books the restocks of every reverse fulfillment order of a return (more than a page)", async () => {
    const start = (await roestify()).available as number;
    const order = await shippedOrder(5);
    simulator.advanceClock(1000);
    simulator.processReturn(shop, order.orderId, {
      lineItems: [1, 2, 1].map((quantity) => ({ lineItemId: order.lineItemId, quantity })),
      reverseFulfillmentOrders: 3,
    });
    expect(shopifyAvailable()).toBe(start - 1);
    await sync("incremental_sync");
    expect((await roestify()).available).toBe(start - 1);
    await sync("full_sync");
    expect((await roestify()).available).toBe(start - 1);
    expect((await roestify()).restocks.slice(-3).sort()).toEqual([
      "shopify_return 1",
      "shopify_return 1",
      "shopify_return 2",
    ]);
  });

  it("books nothing for returned bags that were not restocked, and mirrors the return", async () => {
    const start = (await roestify()).available as number;
    const booked = (await roestify()).restocks;
    const order = await shippedOrder(2);
    const processed = simulator.processReturn(shop, order.orderId, {
      lineItems: [{ lineItemId: order.lineItemId, quantity: 2, restock: false }],
      refund: true,
    });
    await sync("incremental_sync");
    await sync("full_sync");
    expect(shopifyAvailable()).toBe(start - 2);
    expect(await roestify()).toEqual({ available: start - 2, restocks: booked });
    const mirrored = await services.db.pool.query<{ types: string[] }>(
      `SELECT array_agg(d->>'type') AS types FROM shopify_returns r
       CROSS JOIN jsonb_array_elements(r.dispositions) d
       WHERE r.connection_id = $1 AND r.shopify_id = split_part($2, '/', 5)::bigint`,
      [connection.connectionId, processed.id],
    );
    expect(mirrored.rows[0]?.types).toEqual(["NOT_RESTOCKED"]);
  });

  it("books nothing again for a return the opening balance already holds", async () => {
    const bags = simulator.createProduct(shop, {
      title: "Ruanda Nyamasheke",
      variants: [{ option: "1 kg", sku: "RUANDA-1000", available: [40] }],
    });
    const ruanda = bags.variants[0]?.id as string;
    // Sold, shipped and returned before the SKU's first sync: Shopify's 38 hold all of it.
    const order = simulator.placeOrder(shop, { lineItems: [{ variantId: ruanda, quantity: 4 }] });
    simulator.fulfillOrder(shop, order.id);
    const returned = simulator.processReturn(shop, order.id, {
      lineItems: [{ lineItemId: order.lineItems[0]?.id as string, quantity: 2 }],
    });
    simulator.advanceClock(1000);
    await sync("incremental_sync");
    await sync("full_sync");
    const stock = await services.db.pool.query<{ available: number; kinds: string[] }>(
      `SELECT i.available, array_agg(m.kind ORDER BY m.created_at) AS kinds
       FROM inventory_items i JOIN inventory_movements m ON m.inventory_item_id = i.id
       WHERE i.organization_id = $1 AND i.sku = 'RUANDA-1000' GROUP BY i.id`,
      [connection.organizationId],
    );
    expect(simulator.getInventory(shop, { sku: "RUANDA-1000" })[0]?.quantities.available).toBe(38);
    expect(stock.rows[0]).toEqual({ available: 38, kinds: ["opening_balance"] });
    // Mirrored all the same, its restock already in the opening.
    const mirrored = await services.db.pool.query(
      "SELECT status FROM shopify_returns WHERE connection_id = $1 AND shopify_id = $2",
      [connection.connectionId, returned.id.split("/").pop()],
    );
    expect(mirrored.rows).toEqual([{ status: "CLOSED" }]);
  });

  it("books every disposition of a return of many line items and of an order of many returns", async () => {
    const skus = Array.from({ length: 12 }, (_, i) => `SAMPLER-${i + 1}`);
    const sampler = simulator.createProduct(shop, {
      title: "Probierset",
      variants: skus.map((sku, i) => ({ option: `Sorte ${i + 1}`, sku, available: [10] })),
    });
    await sync("incremental_sync");
    simulator.advanceClock(1000);
    const order = simulator.placeOrder(shop, {
      lineItems: sampler.variants.map((variant) => ({ variantId: variant.id, quantity: 2 })),
    });
    simulator.fulfillOrder(shop, order.id);
    await sync("incremental_sync");
    const lines = order.lineItems.map((line) => line.id);
    // One return of 12 line items (more than a page), then five more (more than a page).
    simulator.processReturn(shop, order.id, {
      lineItems: lines.map((lineItemId) => ({ lineItemId, quantity: 1 })),
    });
    for (const lineItemId of lines.slice(0, 5)) {
      simulator.processReturn(shop, order.id, { lineItems: [{ lineItemId, quantity: 1 }] });
    }
    await sync("incremental_sync");
    const stock = await services.db.pool.query<{ sku: string; available: number }>(
      `SELECT sku, available FROM inventory_items WHERE organization_id = $1 AND sku LIKE 'SAMPLER-%' ORDER BY length(sku), sku`,
      [connection.organizationId],
    );
    const expected = skus.map((sku, i) => ({ sku, available: i < 5 ? 10 : 9 }));
    expect(stock.rows).toEqual(expected);
    for (const { sku, available } of expected) {
      expect(simulator.getInventory(shop, { sku })[0]?.quantities.available).toBe(available);
    }
  });
});
