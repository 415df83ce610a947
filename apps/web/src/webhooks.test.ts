import { createHmac, randomUUID } from "node:crypto";
import { subscribedTopics, topicEnum } from "@roestify/shopify";
import { start } from "@roestify/shopify-simulator";
import { afterAll, describe, expect, it } from "vitest";
import { installApp, readEnvelope, signUserToken, startTestApp, testSecrets } from "./testing.ts";
import { drainQueue } from "./webhook-testing.ts";

const shop = "lifecycle-roesterei.myshopify.com";
const simulator = await start({
  apiKey: testSecrets.SHOPIFY_API_KEY,
  apiSecret: testSecrets.SHOPIFY_API_SECRET,
  restoreRate: 1000,
  maximumAvailable: 20_000,
  webhookRetryBaseMs: 20,
  shops: [{ domain: shop, seed: 3, products: 3, customers: 4, orders: 6 }],
});
afterAll(() => simulator.close());
const { url, db, services } = await startTestApp({
  SHOPIFY_API_ORIGIN: simulator.url,
  WEBHOOK_SYNC_SPACING_SECONDS: "2",
});
// Shopify must reach this process: the subscriptions and the app configuration point here.
services.env.APP_URL = url;
simulator.setAppWebhookUri({ uri: `${url}/api/v1/shopify/webhooks` });

/** A delivery as Shopify sends it, signed with the app secret unless told otherwise. */
async function deliver(
  topic: string,
  body: string | object,
  options: { hmac?: string | null; eventId?: string; triggeredAt?: Date; shopDomain?: string } = {},
) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const hmac =
    options.hmac === undefined
      ? createHmac("sha256", testSecrets.SHOPIFY_API_SECRET).update(text).digest("base64")
      : options.hmac;
  return fetch(`${url}/api/v1/shopify/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": topic,
      "x-shopify-shop-domain": options.shopDomain ?? shop,
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-event-id": options.eventId ?? randomUUID(),
      "x-shopify-triggered-at": (options.triggeredAt ?? new Date()).toISOString(),
      "x-shopify-api-version": "2026-10",
      ...(hmac === null ? {} : { "x-shopify-hmac-sha256": hmac }),
    },
    body: text,
  });
}

const eventCount = async () =>
  (await db.pool.query("SELECT count(*)::int AS n FROM shopify_webhook_events")).rows[0].n;

const connectionOf = async (org: string) =>
  (await db.pool.query("SELECT * FROM shopify_connections WHERE organization_id = $1", [org]))
    .rows[0];

const run = () => drainQueue(services);

/** A manual sync, as the dashboard asks for one. */
const requestSync = async (org: string, type: "full" | "incremental") =>
  fetch(`${url}/api/v1/shopify/sync`, {
    method: "POST",
    headers: {
      authorization: await signUserToken({ org, sub: `${org}-owner` }),
      "content-type": "application/json",
    },
    body: JSON.stringify({ type }),
  });

/** The customer's email and names are in no mirror column or `raw`, nor in a stored body. */
async function expectRedacted(
  connectionId: string,
  customer: { id: string; email: string; first_name: string; last_name: string },
) {
  const row = await db.pool.query(
    "SELECT 1 FROM shopify_customers WHERE connection_id = $1 AND shopify_id = $2",
    [connectionId, customer.id],
  );
  expect(row.rowCount).toBe(0);
  for (const table of ["shopify_customers", "shopify_orders", "shopify_fulfillments"]) {
    const dump = await db.pool.query(
      `SELECT coalesce(string_agg(t::text, ' '), '') AS all FROM ${table} t`,
    );
    expect(dump.rows[0].all).not.toContain(customer.email);
  }
  const orders = await db.pool.query(
    "SELECT raw::text AS raw, email FROM shopify_orders WHERE connection_id = $1 AND customer_id = $2",
    [connectionId, customer.id],
  );
  expect(orders.rowCount).toBeGreaterThan(0);
  for (const order of orders.rows) {
    expect(order.email).toBeNull();
    for (const name of [customer.first_name, customer.last_name]) {
      expect(order.raw).not.toContain(name);
    }
  }
  const events = await db.pool.query("SELECT payload::text AS p FROM shopify_webhook_events");
  expect(events.rows.map((r) => r.p ?? "").join(" ")).not.toContain(customer.email);
}

describe("POST /api/v1/shopify/webhooks", () => {
  it("answers 401 to a forged or missing signature and records nothing", async () => {
    const body = { id: 1 };
    const forged = createHmac("sha256", "not-the-secret").update(JSON.stringify(body));
    for (const hmac of [null, "", forged.digest("base64"), "bm9wZQ=="]) {
      const response = await deliver("orders/create", body, { hmac });
      expect(response.status).toBe(401);
      expect((await readEnvelope(response)).error?.code).toBe("unauthorized");
    }
    expect(await eventCount()).toBe(0);
  });

  it("answers 400 to a signed body that is not JSON, and records nothing", async () => {
    const response = await deliver("orders/create", "{not json");
    expect(response.status).toBe(400);
    expect((await readEnvelope(response)).error?.code).toBe("invalid_request");
    expect(await eventCount()).toBe(0);
  });

  it("answers 400 to a signed delivery without Shopify's headers, and records nothing", async () => {
    const body = JSON.stringify({ id: 1 });
    const response = await fetch(`${url}/api/v1/shopify/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-shopify-hmac-sha256": createHmac("sha256", testSecrets.SHOPIFY_API_SECRET)
          .update(body)
          .digest("base64"),
        "x-shopify-shop-domain": shop,
        "x-shopify-api-version": "2026-10",
      },
      body,
    });
    expect(response.status).toBe(400);
    expect((await readEnvelope(response)).error).toMatchObject({
      code: "invalid_request",
      details: { missing_headers: ["X-Shopify-Topic", "X-Shopify-Webhook-Id"] },
    });
    expect(await eventCount()).toBe(0);
  });

  it("stores an event once: a repeat answers 200 and does nothing; unknown topics are kept, ignored", async () => {
    const eventId = randomUUID();
    for (let i = 0; i < 3; i++) {
      const response = await deliver("themes/publish", { id: 7 }, { eventId });
      expect(response.status).toBe(200);
      expect((await readEnvelope(response)).data).toEqual({ accepted: i === 0 });
    }
    await run();
    const events = await db.pool.query(
      "SELECT topic, shop, processed_at, error FROM shopify_webhook_events WHERE event_id = $1",
      [eventId],
    );
    expect(events.rows).toEqual([
      { topic: "themes/publish", shop, processed_at: expect.any(Date), error: null },
    ]);
  });
});

describe("the app's lifecycle at a simulated Shopify", () => {
  it("subscribes every topic exactly once, also after connecting twice", async () => {
    for (let i = 0; i < 2; i++) {
      expect((await installApp(url, "org-a", shop)).location).toContain("shopify=connected");
    }
    const subscriptions = simulator.webhookSubscriptions(shop);
    expect(subscriptions.map((s) => s.topic).sort()).toEqual(
      subscribedTopics.map(topicEnum).sort(),
    );
    expect(new Set(subscriptions.map((s) => s.uri))).toEqual(
      new Set([`${url}/api/v1/shopify/webhooks`]),
    );
    await run();
  });

  it("mirrors a new order within seconds, by the webhook, without a tick", async () => {
    const connection = await connectionOf("org-a");
    const variant = simulator.getInventory(shop)[0]?.variantId as string;
    const order = simulator.placeOrder(shop, { lineItems: [{ variantId: variant, quantity: 1 }] });
    await simulator.webhooksIdle();
    await run();
    const mirrored = await db.pool.query(
      "SELECT name FROM shopify_orders WHERE connection_id = $1 AND shopify_id = $2",
      [connection.id, order.id.split("/").pop()],
    );
    expect(mirrored.rows).toEqual([{ name: order.name }]);
    const syncs = await db.pool.query(
      "SELECT requested_by, status FROM shopify_sync_jobs WHERE type = 'incremental_sync'",
    );
    expect(syncs.rows).toEqual([{ requested_by: "webhook", status: "succeeded" }]);
  });

  it("coalesces a burst; duplicate, late and forged deliveries leave the mirrors right", async () => {
    const connection = await connectionOf("org-a");
    simulator.setWebhookFaults({
      seed: 5,
      duplicate: 0.4,
      outOfOrder: 0.4,
      outOfOrderMs: 300,
      forged: 0.3,
    });
    const customers = (await db.pool.query("SELECT shopify_id FROM shopify_customers")).rows;
    const before = (await db.pool.query("SELECT count(*)::int AS n FROM shopify_sync_jobs")).rows[0]
      .n;
    for (let i = 0; i < 12; i++) {
      const customer = customers[i % customers.length].shopify_id;
      simulator.updateCustomer(shop, customer, { email: `neu-${i}@kunde.example` });
    }
    await simulator.webhooksIdle();
    simulator.setWebhookFaults({});
    const deliveries = simulator.webhookDeliveries({ shop });
    expect(deliveries.some((d) => d.forged && d.status === 401)).toBe(true);
    await run();
    const after = (await db.pool.query("SELECT count(*)::int AS n FROM shopify_sync_jobs")).rows[0]
      .n;
    expect(after - before).toBeGreaterThanOrEqual(1);
    expect(after - before).toBeLessThanOrEqual(2);
    const emails = await db.pool.query(
      "SELECT shopify_id::text AS id, email FROM shopify_customers WHERE connection_id = $1",
      [connection.id],
    );
    const last = new Map<string, string>();
    for (let i = 0; i < 12; i++) {
      last.set(String(customers[i % customers.length].shopify_id), `neu-${i}@kunde.example`);
    }
    for (const row of emails.rows) {
      if (last.has(row.id)) expect(row.email).toBe(last.get(row.id));
    }
    // Every delivery Shopify made for real is stored once per event.
    const genuine = new Set(deliveries.filter((d) => !d.forged).map((d) => d.eventId));
    const stored = await db.pool.query(
      "SELECT event_id FROM shopify_webhook_events WHERE event_id = ANY($1)",
      [[...genuine]],
    );
    expect(stored.rowCount).toBe(genuine.size);
  });

  it("keeps a customer data request's export for the organisation", async () => {
    const connection = await connectionOf("org-a");
    const order = (
      await db.pool.query(
        `SELECT customer_id::text, shopify_id::text FROM shopify_orders
         WHERE connection_id = $1 AND customer_id IS NOT NULL LIMIT 1`,
        [connection.id],
      )
    ).rows[0];
    simulator.requestCustomerData(shop, {
      customerId: order.customer_id,
      orderIds: [order.shopify_id],
    });
    await simulator.webhooksIdle();
    await run();
    const response = await fetch(`${url}/api/v1/shopify/data-requests`, {
      headers: { authorization: await signUserToken({ org: "org-a" }) },
    });
    expect(response.status).toBe(200);
    const [request] = (await readEnvelope(response)).data;
    expect(request).toMatchObject({
      shopify_request_id: expect.any(String),
      customer: { id: order.customer_id, email: expect.stringContaining("@") },
      export: {
        customer: { shopify_id: Number(order.customer_id) },
        orders: [{ shopify_id: Number(order.shopify_id) }],
      },
    });
    const other = await fetch(`${url}/api/v1/shopify/data-requests`, {
      headers: { authorization: await signUserToken({ org: "org-other" }) },
    });
    expect((await readEnvelope(other)).data).toEqual([]);
  });

  it("customers/redact leaves the customer's email and name in no mirror column or raw, also after later syncs", async () => {
    const connection = await connectionOf("org-a");
    const customer = (
      await db.pool.query(
        `SELECT c.shopify_id::text AS id, c.email, c.first_name, c.last_name FROM shopify_customers c
         WHERE c.connection_id = $1 AND EXISTS (SELECT 1 FROM shopify_orders o
           WHERE o.connection_id = c.connection_id AND o.customer_id = c.shopify_id)
         LIMIT 1`,
        [connection.id],
      )
    ).rows[0];
    simulator.redactCustomer(shop, { customerId: customer.id });
    await simulator.webhooksIdle();
    await run();
    await expectRedacted(connection.id, customer);

    // Shopify still returns the customer for a while: a change of theirs and a new order of
    // theirs reach an incremental sync (by webhook), and the whole shop a full sync, which
    // copies the customers into an emptied mirror straight.
    const variant = simulator.getInventory(shop)[0]?.variantId as string;
    simulator.updateCustomer(shop, customer.id, { tags: ["nach-loeschung"] });
    simulator.placeOrder(shop, {
      lineItems: [{ variantId: variant, quantity: 1 }],
      customerId: customer.id,
      email: customer.email,
    });
    await simulator.webhooksIdle();
    await run();
    await expectRedacted(connection.id, customer);
    await db.pool.query("DELETE FROM shopify_customers WHERE connection_id = $1", [connection.id]);
    expect((await requestSync("org-a", "full")).status).toBe(200);
    await run();
    await expectRedacted(connection.id, customer);
    const others = await db.pool.query(
      "SELECT count(*)::int AS n FROM shopify_customers WHERE connection_id = $1",
      [connection.id],
    );
    expect(others.rows[0].n).toBeGreaterThan(0);
  });

  it("app/scopes_update with a required scope missing asks for a new connection", async () => {
    simulator.updateScopes(shop, { scope: "read_products,read_orders" });
    await simulator.webhooksIdle();
    await run();
    expect(await connectionOf("org-a")).toMatchObject({
      status: "reauth_required",
      scopes: "read_products,read_orders",
    });
    expect((await installApp(url, "org-a", shop)).location).toContain("shopify=connected");
    await run();
  });

  it("app/uninstalled ends the connection once; a late one leaves a fresh install alone", async () => {
    const connected = await connectionOf("org-a");
    simulator.uninstallApp(shop);
    await simulator.webhooksIdle();
    // Subscribed and declared in the app configuration: two deliveries, one event.
    const uninstalled = simulator
      .webhookDeliveries({ shop })
      .filter((d) => d.topic === "app/uninstalled");
    expect(uninstalled).toHaveLength(2);
    expect(new Set(uninstalled.map((d) => d.eventId)).size).toBe(1);
    await run();
    const ended = await connectionOf("org-a");
    expect(ended).toMatchObject({
      status: "disconnected",
      access_token_encrypted: null,
      refresh_token_encrypted: null,
    });
    const rows = await db.pool.query(
      "SELECT count(*)::int AS n FROM shopify_orders WHERE connection_id = $1",
      [connected.id],
    );
    expect(rows.rows[0].n).toBeGreaterThan(0);

    // Another organisation may connect the shop now; a late uninstall of before does not touch it.
    expect((await installApp(url, "org-b", shop)).location).toContain("shopify=connected");
    await run();
    const late = await deliver(
      "app/uninstalled",
      { id: 1 },
      { triggeredAt: new Date(Date.now() - 60_000) },
    );
    expect(late.status).toBe(200);
    await run();
    expect((await connectionOf("org-b")).status).toBe("active");
    expect((await connectionOf("org-a")).status).toBe("disconnected");
  });

  it("shop/redact deletes every row kept for the shop", async () => {
    const old = await connectionOf("org-a");
    // The shop is installed again (organisation B): only the uninstalled connection's data goes.
    simulator.redactShop(shop);
    await simulator.webhooksIdle();
    await run();
    expect(await connectionOf("org-a")).toBeUndefined();
    for (const table of [
      "shopify_orders",
      "shopify_customers",
      "shopify_locations",
      "shopify_sync_jobs",
    ]) {
      const left = await db.pool.query(
        `SELECT count(*)::int AS n FROM ${table} WHERE connection_id = $1`,
        [old.id],
      );
      expect(left.rows[0].n).toBe(0);
    }
    expect((await connectionOf("org-b")).status).toBe("active");
  });
});

describe("DELETE /api/v1/shopify/connection", () => {
  const disconnect = async (org: string, query = "") =>
    fetch(`${url}/api/v1/shopify/connection${query}`, {
      method: "DELETE",
      headers: { authorization: await signUserToken({ org }) },
    });

  it("is 409 without any connection", async () => {
    const response = await disconnect("org-none");
    expect(response.status).toBe(409);
    expect((await readEnvelope(response)).error?.code).toBe("shopify_not_connected");
  });

  it("uninstalls at Shopify, disconnects, cancels the jobs; again answers the same", async () => {
    const connection = await connectionOf("org-b");
    await db.pool.query(
      `INSERT INTO shopify_sync_jobs (organization_id, connection_id, type, requested_by)
       VALUES ('org-b', $1, 'incremental_sync', 'test')`,
      [connection.id],
    );
    const response = await disconnect("org-b");
    expect(response.status).toBe(200);
    const body = await readEnvelope(response);
    expect(body.data).toMatchObject({
      connection: { shop, status: "disconnected" },
      details: { uninstall: "succeeded" },
    });
    const jobs = await db.pool.query(
      "SELECT status FROM shopify_sync_jobs WHERE connection_id = $1 AND status IN ('queued', 'running')",
      [connection.id],
    );
    expect(jobs.rowCount).toBe(0);
    // Shopify forgot the app: its subscriptions are gone and it said so by app/uninstalled.
    expect(simulator.webhookSubscriptions(shop)).toEqual([]);
    await simulator.webhooksIdle();
    await run();
    simulator.clearRequests();
    const again = await disconnect("org-b");
    expect((await readEnvelope(again)).data).toMatchObject({
      connection: { status: "disconnected" },
      details: { uninstall: "skipped" },
    });
    expect(simulator.requests({ shop })).toEqual([]);
  });

  it("disconnects locally when Shopify cannot be reached, and says so", async () => {
    expect((await installApp(url, "org-c", shop)).location).toContain("shopify=connected");
    simulator.setFaults(shop, { always: "http503" });
    const response = await disconnect("org-c");
    simulator.clearFaults(shop);
    expect(response.status).toBe(200);
    expect((await readEnvelope(response)).data).toMatchObject({
      connection: { status: "disconnected" },
      details: { uninstall: "failed" },
    });
  });

  it("with purge=true deletes the shop's data at once", async () => {
    expect((await installApp(url, "org-d", shop)).location).toContain("shopify=connected");
    await run();
    const connection = await connectionOf("org-d");
    // SKUs mapped to variants explicitly, and pushed there.
    const mapped = await db.pool.query(
      `UPDATE inventory_items i SET shopify_variant_ids = ARRAY[v.shopify_id],
         last_pushed_quantity = 1, last_pushed_at = now(), push_status = 'pushed'
       FROM shopify_product_variants v
       WHERE i.organization_id = 'org-d' AND v.connection_id = $1 AND v.sku = i.sku`,
      [connection.id],
    );
    expect(mapped.rowCount).toBeGreaterThan(0);
    const response = await disconnect("org-d", "?purge=true");
    expect(response.status).toBe(200);
    expect((await readEnvelope(response)).data).toEqual({
      connection: null,
      details: { uninstall: "succeeded" },
    });
    for (const table of ["shopify_products", "shopify_orders", "shopify_locations"]) {
      const left = await db.pool.query(
        `SELECT count(*)::int AS n FROM ${table} WHERE connection_id = $1`,
        [connection.id],
      );
      expect(left.rows[0].n).toBe(0);
    }
    const skus = await db.pool.query(
      `SELECT count(*)::int AS n, count(shopify_variant_ids)::int AS mapped,
              count(last_pushed_at)::int AS pushed
       FROM inventory_items WHERE organization_id = 'org-d'`,
    );
    expect(skus.rows[0]).toEqual({ n: expect.any(Number), mapped: 0, pushed: 0 });
    expect(skus.rows[0].n).toBeGreaterThan(0);
    const status = await fetch(`${url}/api/v1/shopify/status`, {
      headers: { authorization: await signUserToken({ org: "org-d" }) },
    });
    expect((await readEnvelope(status)).data.connection).toBeNull();
  });
});

describe("a refund by webhook", () => {
  const refundShop = "rueckerstattung-roesterei.myshopify.com";

  /** Roestify's stock of the SKU and its movements (kind and delta, in order). */
  async function stockOf(org: string, sku: string) {
    const result = await db.pool.query<{ available: number; kinds: string[] }>(
      `SELECT i.available, array_agg(m.kind || ' ' || m.delta ORDER BY m.created_at, m.source_ref) AS kinds
       FROM inventory_items i JOIN inventory_movements m ON m.inventory_item_id = i.id
       WHERE i.organization_id = $1 AND i.sku = $2 GROUP BY i.id`,
      [org, sku],
    );
    return result.rows[0];
  }

  it("mirrors a restocking refund and raises stock once; full and incremental syncs book nothing again", async () => {
    simulator.createShop({ domain: refundShop, seed: 31, products: 0, customers: 1, orders: 0 });
    const product = simulator.createProduct(refundShop, {
      title: "Kolumbien Huila",
      variants: [{ option: "250 g", sku: "HUILA-250", available: [20] }],
    });
    expect((await installApp(url, "org-refund", refundShop)).location).toContain(
      "shopify=connected",
    );
    await run();
    const connection = await connectionOf("org-refund");
    expect((await stockOf("org-refund", "HUILA-250"))?.available).toBe(20);
    // Shopify's timestamps are whole seconds: the order comes a second after the opening balance.
    simulator.advanceClock(1000);
    const variantId = product.variants[0]?.id as string;
    const order = simulator.placeOrder(refundShop, { lineItems: [{ variantId, quantity: 5 }] });
    simulator.fulfillOrder(refundShop, order.id);
    await simulator.webhooksIdle();
    await run();
    expect((await stockOf("org-refund", "HUILA-250"))?.available).toBe(15);

    const lineItemId = order.lineItems[0]?.id as string;
    const refund = simulator.refundOrder(refundShop, order.id, {
      lineItems: [{ lineItemId, quantity: 2, restockType: "RETURN" }],
    });
    await simulator.webhooksIdle();
    const topics = simulator
      .webhookDeliveries({ shop: refundShop })
      .map((delivery) => delivery.topic)
      .slice(-2);
    expect(topics.sort()).toEqual(["orders/updated", "refunds/create"]);
    await run();
    const refundId = refund.id.split("/").pop();
    const mirrored = await db.pool.query(
      `SELECT r.order_id::text, r.line_items->0->>'quantity' AS quantity,
              o.raw->'refunds'->0->>'id' AS order_refund
       FROM shopify_refunds r JOIN shopify_orders o
         ON o.connection_id = r.connection_id AND o.shopify_id = r.order_id
       WHERE r.connection_id = $1 AND r.shopify_id = $2`,
      [connection.id, refundId],
    );
    expect(mirrored.rows).toEqual([
      { order_id: order.id.split("/").pop(), quantity: "2", order_refund: refund.id },
    ]);
    expect((await stockOf("org-refund", "HUILA-250"))?.available).toBe(17);

    // The same refund seen again by a full and an incremental sync.
    expect((await requestSync("org-refund", "full")).status).toBe(200);
    await run();
    expect((await requestSync("org-refund", "incremental")).status).toBe(200);
    await run();
    const stock = await stockOf("org-refund", "HUILA-250");
    expect(stock?.available).toBe(17);
    expect(stock?.kinds.filter((kind) => kind.startsWith("shopify_refund"))).toEqual([
      "shopify_refund 2",
    ]);
    const syncs = await db.pool.query(
      `SELECT type, status FROM shopify_sync_jobs
       WHERE connection_id = $1 AND requested_by LIKE 'user:%' ORDER BY created_at`,
      [connection.id],
    );
    expect(syncs.rows).toEqual([
      { type: "full_sync", status: "succeeded" },
      { type: "incremental_sync", status: "succeeded" },
    ]);
  });
});
