import { describe, expect, it } from "vitest";
import {
  connectShop,
  fastSync,
  jobRow,
  queueJob,
  readMirrors,
  readShop,
  runAttempt,
  startSyncEnvironment,
} from "./sync-testing.ts";

const shop = "roesterei-sync.myshopify.com";
const faultyShop = "wackel-kontakt.myshopify.com";
const size = { products: 12, customers: 25, orders: 40, locations: 2 };
const { simulator, services } = await startSyncEnvironment([
  { domain: shop, seed: 11, ...size },
  { domain: faultyShop, seed: 12, ...size, locations: 3 },
]);
const connection = await connectShop(services, simulator, shop);

async function sync(type: "full_sync" | "incremental_sync", target = connection) {
  const id = await queueJob(services, target, type);
  await runAttempt(services, type, id);
  return id;
}

async function bulkStarts(shopDomain: string) {
  return simulator
    .requests({ shop: shopDomain })
    .filter((entry) => entry.operationName === "BulkOperationRunQuery" && entry.status === 200)
    .length;
}

describe("full sync", () => {
  it("mirrors products, variants, orders, fulfillments, customers and inventory exactly", async () => {
    const id = await sync("full_sync");
    const job = await jobRow(services, id);
    expect(job).toMatchObject({ status: "succeeded", attempts: 1, last_error: null });
    expect(job.finished_at).toBeInstanceOf(Date);
    const expected = await readShop(simulator, shop);
    const mirrors = await readMirrors(services, connection.connectionId);
    expect(mirrors).toEqual(expected);
    expect(expected.products).toHaveLength(size.products);
    expect(expected.orders).toHaveLength(size.orders);
    expect(expected.fulfillments.length).toBeGreaterThan(0);
    expect(job.rows_written).toMatchObject({
      shopify_products: size.products,
      shopify_orders: size.orders,
      shopify_customers: size.customers,
      shopify_product_variants: expected.variants.length,
      shopify_inventory_levels: expected.inventoryLevels.length,
    });
    // The stock ledger took the shop's SKUs with their available quantity as opening balance.
    const ledger = await services.db.pool.query(
      "SELECT count(*)::int AS n FROM inventory_movements WHERE kind = 'opening_balance'",
    );
    expect(ledger.rows[0]?.n).toBeGreaterThan(0);
    const synced = await services.db.pool.query(
      "SELECT last_synced_at FROM shopify_connections WHERE id = $1",
      [connection.connectionId],
    );
    expect(synced.rows[0]?.last_synced_at).toBeInstanceOf(Date);
  });

  it("keeps raw nodes and typed columns", async () => {
    const order = await services.db.pool.query(
      `SELECT raw, line_items, total_price, currency FROM shopify_orders
       WHERE connection_id = $1 ORDER BY shopify_id LIMIT 1`,
      [connection.connectionId],
    );
    const row = order.rows[0];
    expect(row.raw.id).toMatch(/^gid:\/\/shopify\/Order\/\d+$/);
    expect(row.raw).not.toHaveProperty("lineItems");
    expect(row.raw).not.toHaveProperty("__parentId");
    expect(Number(row.total_price)).toBeGreaterThan(0);
    expect(row.currency).toBe("EUR");
    expect(Object.keys(row.line_items[0]).sort()).toEqual(
      ["current_quantity", "id", "name", "quantity", "sku", "variant_id"].sort(),
    );
  });

  it("writes no duplicates when run again, and removes what Shopify deleted", async () => {
    const before = await readMirrors(services, connection.connectionId);
    const [deleted] = before.products;
    const productId = deleted?.split(" ")[0] as string;
    simulator.deleteProduct(shop, productId);
    const id = await sync("full_sync");
    expect((await jobRow(services, id)).status).toBe("succeeded");
    const after = await readMirrors(services, connection.connectionId);
    expect(after).toEqual(await readShop(simulator, shop));
    expect(after.products).toHaveLength(before.products.length - 1);
    expect(after.products.some((line) => line.startsWith(`${productId} `))).toBe(false);
  });
});

describe("incremental sync", () => {
  it("brings updated, new, cancelled, fulfilled and deleted objects into the mirrors", async () => {
    const expected = await readShop(simulator, shop);
    const [first, second] = expected.products.map((line) => line.split(" ")[0] as string);
    const variant = expected.variants.find((line) => line.split(" ")[1] === first);
    simulator.updateProduct(shop, first as string, { title: "Neuer Röstkaffee" });
    simulator.deleteProduct(shop, second as string);
    const placed = simulator.placeOrder(shop, {
      lineItems: [{ variantId: Number(variant?.split(" ")[0]), quantity: 3 }],
    });
    const open = expected.orders.find((line) => line.includes(" false "))?.split(" ")[0] as string;
    simulator.cancelOrder(shop, open);
    simulator.fulfillOrder(shop, placed.id);
    const customer = expected.customers[0]?.split(" ")[0] as string;
    simulator.updateCustomer(shop, customer, { firstName: "Greta", email: "greta@example.com" });
    // A variant deleted from a product that stays: only the product's change tells of it.
    const kept = expected.variants.filter(
      (line) => line.split(" ")[1] === expected.products[2]?.split(" ")[0],
    );
    expect(kept.length).toBeGreaterThan(1);
    simulator.deleteVariant(shop, kept[0]?.split(" ")[0] as string);

    const id = await sync("incremental_sync");
    const job = await jobRow(services, id);
    expect(job).toMatchObject({ status: "succeeded", last_error: null });
    expect(await readMirrors(services, connection.connectionId)).toEqual(
      await readShop(simulator, shop),
    );
    // Only the changes (and the overlap window's few) were read, not the whole shop again.
    expect(job.rows_written.shopify_orders).toBeLessThan(size.orders);
  });

  it("reads a large change set by bulk operation with the same filter", async () => {
    const expected = await readShop(simulator, shop);
    const product = expected.products[0]?.split(" ")[0] as string;
    simulator.updateProduct(shop, product, { title: "Großer Wechsel" });
    const customer = expected.customers[1]?.split(" ")[0] as string;
    simulator.updateCustomer(shop, customer, { lastName: "Bohne" });
    const started = await bulkStarts(shop);
    const id = await queueJob(services, connection, "incremental_sync");
    // Every change set counts as large here: products, orders and customers come in bulk.
    await runAttempt(services, "incremental_sync", id, 1, {
      ...fastSync,
      settings: { ...fastSync.settings, bulkChangeThreshold: 1 },
    });
    expect(await jobRow(services, id)).toMatchObject({ status: "succeeded" });
    expect(await bulkStarts(shop)).toBe(started + 3);
    const queries = simulator
      .requests({ shop })
      .filter((entry) => entry.operationName === "ProductsChangedCount");
    expect(queries.length).toBeGreaterThan(0);
    expect(await readMirrors(services, connection.connectionId)).toEqual(
      await readShop(simulator, shop),
    );
  });

  it("advances its cursors only to Shopify's newest change and re-reads idempotently", async () => {
    const cursors = await services.db.pool.query(
      "SELECT resource FROM shopify_sync_cursors WHERE connection_id = $1 ORDER BY resource",
      [connection.connectionId],
    );
    expect(cursors.rows.map((row) => row.resource)).toEqual([
      "customers",
      "inventory_levels",
      "orders",
      "product_deletions",
      "product_variants",
      "products",
    ]);
    await sync("incremental_sync");
    expect(await readMirrors(services, connection.connectionId)).toEqual(
      await readShop(simulator, shop),
    );
  });

  it("asks for no page of a resource whose change count is 0", async () => {
    // Cursors a day ahead: nothing has changed since them.
    const { rows } = await services.db.pool.query(
      `UPDATE shopify_sync_cursors SET updated_at = updated_at + interval '1 day'
       WHERE connection_id = $1 RETURNING resource`,
      [connection.connectionId],
    );
    expect(rows).toHaveLength(6);
    simulator.clearRequests();
    await sync("incremental_sync");
    const asked = simulator.requests({ shop }).map((entry) => entry.operationName);
    expect(asked).toEqual(
      expect.arrayContaining([
        "ProductsChangedCount",
        "OrdersChangedCount",
        "CustomersChangedCount",
      ]),
    );
    for (const page of ["ProductsChanged", "OrdersChanged", "CustomersChanged"]) {
      expect(asked).not.toContain(page);
    }
  });
});

describe("a shop that misbehaves", () => {
  it("still ends with identical mirrors under ~10 % faults, cut downloads and failed bulk operations", async () => {
    const faulty = await connectShop(services, simulator, faultyShop);
    simulator.setFaults(faultyShop, {
      seed: 5,
      http500: 0.02,
      http502: 0.02,
      http503: 0.02,
      http429: 0.02,
      throttled: 0.01,
      reset: 0.01,
      retryAfterSeconds: 0,
      bulkFail: 0.3,
      bulkTruncate: 0.3,
    });
    const id = await queueJob(services, faulty, "full_sync");
    // Whatever an attempt leaves undone, the next one (as graphile-worker retries) finishes.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const outcome = await runAttempt(services, "full_sync", id, attempt).catch(
        (error: Error) => error,
      );
      if (!(outcome instanceof Error)) break;
    }
    expect((await jobRow(services, id)).status).toBe("succeeded");
    simulator.clearFaults(faultyShop);
    expect(await readMirrors(services, faulty.connectionId)).toEqual(
      await readShop(simulator, faultyShop),
    );
    const faults = simulator.requests({ shop: faultyShop }).filter((entry) => entry.fault !== null);
    expect(faults.length).toBeGreaterThan(0);
  });

  it("reads a file that repeats an object again through the staging, to the same mirrors", async () => {
    const other = "doppelte-roesterei.myshopify.com";
    simulator.createShop({ domain: other, seed: 6, products: 6, customers: 6, orders: 6 });
    const repeating = await connectShop(services, simulator, other);
    simulator.setFaults(other, { bulkRepeat: 1 });
    const id = await queueJob(services, repeating, "full_sync");
    await runAttempt(services, "full_sync", id);
    expect(await jobRow(services, id)).toMatchObject({ status: "succeeded", attempts: 1 });
    simulator.clearFaults(other);
    expect(await readMirrors(services, repeating.connectionId)).toEqual(
      await readShop(simulator, other),
    );
  });

  it("resumes the bulk operations of an earlier attempt instead of starting new ones", async () => {
    const other = "zweite-roesterei.myshopify.com";
    simulator.createShop({ domain: other, seed: 3, products: 5, customers: 5, orders: 5 });
    const target = await connectShop(services, simulator, other);
    const id = await queueJob(services, target, "full_sync");
    simulator.setFaults(other, { bulkTruncate: 1 });
    const failed = await runAttempt(services, "full_sync", id, 1, {
      settings: { bulkPollMs: 10, maxDownloadRetries: 0 },
      client: { retryBaseMs: 5 },
    }).catch((error: Error) => error);
    expect(failed).toBeInstanceOf(Error);
    expect(await jobRow(services, id)).toMatchObject({
      status: "running",
      attempts: 1,
      last_error:
        "Beim Sync ist ein interner Fehler aufgetreten. Der Job wird automatisch erneut versucht; du musst nichts tun.",
    });
    expect(await bulkStarts(other)).toBe(4);
    simulator.clearFaults(other);
    await runAttempt(services, "full_sync", id, 2);
    expect(await jobRow(services, id)).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(await bulkStarts(other)).toBe(4);
    expect(await readMirrors(services, target.connectionId)).toEqual(
      await readShop(simulator, other),
    );
  });

  // Last in this file: it moves the simulated clock on by a week.
  it("runs an operation again when its result link has expired", async () => {
    const other = "abgelaufen.myshopify.com";
    simulator.createShop({ domain: other, seed: 4, products: 4, customers: 4, orders: 4 });
    const target = await connectShop(services, simulator, other);
    const id = await queueJob(services, target, "full_sync");
    simulator.setFaults(other, { bulkTruncate: 1 });
    const failed = await runAttempt(services, "full_sync", id, 1, {
      settings: { bulkPollMs: 10, maxDownloadRetries: 0 },
      client: { retryBaseMs: 5 },
    }).catch((error: Error) => error);
    expect(failed).toBeInstanceOf(Error);
    simulator.clearFaults(other);
    simulator.advanceClock(8 * 86_400_000);
    await runAttempt(services, "full_sync", id, 2);
    expect(await jobRow(services, id)).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(await bulkStarts(other)).toBe(8);
    expect(await readMirrors(services, target.connectionId)).toEqual(
      await readShop(simulator, other),
    );
  });
});
