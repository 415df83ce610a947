import { describe, expect, it } from "vitest";
import { connectShop, runJob, skuStock, startSyncEnvironment } from "./sync-testing.ts";

const shop = "rueckgabe-roesterei.myshopify.com";
const { simulator, services } = await startSyncEnvironment([
  { domain: shop, seed: 21, products: 2, customers: 1, orders: 0, locations: 1 },
]);
const connection = await connectShop(services, simulator, shop);
const product = simulator.createProduct(shop, {
  title: "Äthiopien Guji",
  variants: [{ option: "250 g", sku: "GUJI-250", available: [20] }],
});
const variantId = product.variants[0]?.id as string;

const sync = (type: "full_sync" | "incremental_sync") => runJob(services, connection, type);

const shopifyAvailable = () =>
  simulator.getInventory(shop, { sku: "GUJI-250" })[0]?.quantities.available;

const roestify = () => skuStock(services, connection.organizationId, "GUJI-250");

describe("stock that follows the shop", () => {
  it("books a restocking refund once, whichever sync sees it and however often", async () => {
    await sync("full_sync");
    // Shopify's timestamps are whole seconds: an order placed in the second of the levels the
    // opening balance adopted counts as covered by it (its level change is in that quantity).
    simulator.advanceClock(1000);
    expect((await roestify())?.available).toBe(20);
    const order = simulator.placeOrder(shop, { lineItems: [{ variantId, quantity: 5 }] });
    simulator.fulfillOrder(shop, order.id);
    await sync("incremental_sync");
    expect((await roestify())?.available).toBe(15);

    const lineItemId = order.lineItems[0]?.id as string;
    // Two bags come back to the shelf; one is refunded without coming back.
    simulator.refundOrder(shop, order.id, {
      lineItems: [{ lineItemId, quantity: 2, restockType: "RETURN" }],
    });
    simulator.refundOrder(shop, order.id, {
      lineItems: [{ lineItemId, quantity: 1, restockType: "NO_RESTOCK" }],
    });
    expect(shopifyAvailable()).toBe(17);
    await sync("incremental_sync");
    expect((await roestify())?.available).toBe(17);
    // Seen again by an incremental sync (as a webhook's sync would) and by a full sync.
    await sync("incremental_sync");
    await sync("full_sync");
    const stock = await roestify();
    expect(stock?.available).toBe(17);
    expect(stock?.kinds.filter((kind) => kind.startsWith("shopify_refund"))).toEqual([
      "shopify_refund 2",
    ]);
  });

  it("books an order edit's difference, and gives back what a cancellation leaves out", async () => {
    const start = shopifyAvailable() as number;
    expect((await roestify())?.available).toBe(start);
    const order = simulator.placeOrder(shop, { lineItems: [{ variantId, quantity: 4 }] });
    await sync("incremental_sync");
    expect((await roestify())?.available).toBe(start - 4);
    const lineItemId = order.lineItems[0]?.id as string;
    simulator.editOrder(shop, order.id, { lineItemId, quantity: 1, restock: true });
    await sync("incremental_sync");
    expect((await roestify())?.available).toBe(start - 1);
    simulator.editOrder(shop, order.id, { lineItemId, quantity: 3 });
    await sync("incremental_sync");
    await sync("incremental_sync");
    expect((await roestify())?.available).toBe(start - 3);
    expect(shopifyAvailable()).toBe(start - 3);

    // One bag refunded and restocked before the order is cancelled: the rest comes back once.
    simulator.refundOrder(shop, order.id, {
      lineItems: [{ lineItemId, quantity: 1, restockType: "CANCEL" }],
    });
    await sync("incremental_sync");
    expect((await roestify())?.available).toBe(start - 2);
    simulator.cancelOrder(shop, order.id);
    await sync("incremental_sync");
    await sync("full_sync");
    expect(shopifyAvailable()).toBe(start);
    expect((await roestify())?.available).toBe(start);
  });

  it("books only what an edit after the opening changed of an order the opening covers", async () => {
    const bags = simulator.createProduct(shop, {
      title: "Kenia AA",
      variants: [{ option: "1 kg", sku: "KENIA-1000", available: [50] }],
    });
    const kenia = bags.variants[0]?.id as string;
    const keniaStock = async () =>
      (
        await services.db.pool.query<{ available: number }>(
          "SELECT available FROM inventory_items WHERE organization_id = $1 AND sku = 'KENIA-1000'",
          [connection.organizationId],
        )
      ).rows[0]?.available;
    const keniaInShop = () => simulator.getInventory(shop, { sku: "KENIA-1000" })[0]?.quantities;
    // Placed before the SKU's first sync: the opening balance (46) holds its 4 bags.
    const order = simulator.placeOrder(shop, { lineItems: [{ variantId: kenia, quantity: 4 }] });
    const lineItemId = order.lineItems[0]?.id as string;
    await sync("incremental_sync");
    expect(await keniaStock()).toBe(46);

    simulator.advanceClock(1000);
    simulator.editOrder(shop, order.id, { lineItemId, quantity: 1, restock: true });
    await sync("incremental_sync");
    expect(keniaInShop()?.available).toBe(49);
    expect(await keniaStock()).toBe(49);
    simulator.editOrder(shop, order.id, { lineItemId, quantity: 2 });
    simulator.refundOrder(shop, order.id, {
      lineItems: [{ lineItemId, quantity: 1, restockType: "CANCEL" }],
    });
    await sync("incremental_sync");
    await sync("full_sync");
    await sync("incremental_sync");
    expect(keniaInShop()?.available).toBe(49);
    expect(await keniaStock()).toBe(49);
  });

  it("books nothing again for an edit made before a SKU's opening that the mirror saw after", async () => {
    const bags = simulator.createProduct(shop, {
      title: "Peru Cajamarca",
      variants: [{ option: "500 g", sku: "", available: [30] }],
    });
    const peru = bags.variants[0]?.id as string;
    const peruInShop = () => simulator.getInventory(shop, { sku: "PERU-500" })[0]?.quantities;
    // Mirrored while its variant has no SKU (nothing of Roestify's), then edited (3 bags back)
    // and given a SKU: the SKU's opening (29) holds the edit the mirror sees only now.
    const order = simulator.placeOrder(shop, { lineItems: [{ variantId: peru, quantity: 4 }] });
    await sync("incremental_sync");
    simulator.advanceClock(1000);
    const lineItemId = order.lineItems[0]?.id as string;
    simulator.editOrder(shop, order.id, { lineItemId, quantity: 1, restock: true });
    simulator.updateVariant(shop, peru, { sku: "PERU-500" });
    await sync("incremental_sync");
    await sync("full_sync");
    expect(peruInShop()?.available).toBe(29);
    const stock = await skuStock(services, connection.organizationId, "PERU-500");
    expect(stock).toMatchObject({ available: 29, kinds: ["opening_balance 29"] });
  });

  it("books every line item of a refund of more than 25 (read a page at a time)", async () => {
    const start = shopifyAvailable() as number;
    const order = simulator.placeOrder(shop, {
      lineItems: Array.from({ length: 30 }, () => ({ variantId, quantity: 1 })),
    });
    await sync("incremental_sync");
    expect((await roestify())?.available).toBe(start - 30);
    simulator.refundOrder(shop, order.id, {
      lineItems: order.lineItems.map((line) => ({
        lineItemId: line.id,
        quantity: 1,
        restockType: "CANCEL" as const,
      })),
    });
    await sync("incremental_sync");
    await sync("full_sync");
    expect(shopifyAvailable()).toBe(start);
    expect((await roestify())?.available).toBe(start);
  });
});
