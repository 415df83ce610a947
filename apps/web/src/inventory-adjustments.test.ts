import { applyShopifyToLedger } from "@roestify/inventory";
import { upsertMirrorRows } from "@roestify/shopify";
import { describe, expect, it } from "vitest";
import { type Envelope, insertConnection, signUserToken, startTestApp } from "./testing.ts";

const { url, db } = await startTestApp();

async function send(path: string, org: string, body: unknown, idempotencyKey?: string) {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: {
      authorization: await signUserToken({ org }),
      "content-type": "application/json",
      ...(idempotencyKey === undefined ? {} : { "idempotency-key": idempotencyKey }),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Envelope };
}

const adjust = (org: string, body: unknown, key?: string) =>
  send("/api/v1/inventory/adjustments", org, body, key);
const packaging = (org: string, body: unknown, key?: string) =>
  send("/api/v1/inventory/packagings", org, body, key);

async function movements(org: string) {
  const result = await db.pool.query(
    `SELECT kind, delta, reason, note FROM inventory_movements
     WHERE organization_id = $1 ORDER BY created_at, delta`,
    [org],
  );
  return result.rows;
}

/** Every SKU whose running balance is not the sum of its movements (none, always). */
async function balancesOffTheirMovements() {
  const result = await db.pool.query(
    `SELECT i.sku, i.available, coalesce(sum(m.delta), 0)::int AS movements
     FROM inventory_items i LEFT JOIN inventory_movements m ON m.inventory_item_id = i.id
     GROUP BY i.id HAVING i.available <> coalesce(sum(m.delta), 0)`,
  );
  return result.rows;
}

describe("POST /api/v1/inventory/adjustments", () => {
  it.each([
    ["no reason", { sku: "A", delta: 1 }],
    ["an unknown reason", { sku: "A", delta: 1, reason: "theft" }],
    ["a delta of 0", { sku: "A", delta: 0, reason: "correction" }],
    ["a fraction", { sku: "A", delta: 1.5, reason: "correction" }],
    ["too large a delta", { sku: "A", delta: 100_001, reason: "correction" }],
    ["a negative count", { sku: "A", counted: -1, reason: "stocktake" }],
    ["too large a count", { sku: "A", counted: 1_000_001, reason: "stocktake" }],
    ["neither delta nor counted", { sku: "A", reason: "correction" }],
    ["both delta and counted", { sku: "A", delta: 1, counted: 5, reason: "stocktake" }],
    ["a note over 500 characters", { sku: "A", delta: 1, reason: "sample", note: "x".repeat(501) }],
    ["no SKU", { delta: 1, reason: "correction" }],
  ])("refuses %s with 400 invalid_request", async (_, body) => {
    const { status, body: answer } = await adjust("org-bad", body);
    expect(status).toBe(400);
    expect(answer.error?.code).toBe("invalid_request");
  });

  it("answers 404 for a SKU the organisation does not have", async () => {
    await packaging("org-other", { sku: "THEIRS", quantity: 5 });
    const { status, body } = await adjust("org-404", {
      sku: "THEIRS",
      delta: -1,
      reason: "write_off",
    });
    expect(status).toBe(404);
    expect(body.error?.code).toBe("not_found");
    expect(await movements("org-404")).toEqual([]);
  });

  it("books each reason with its note, counted as the difference, and never below 0", async () => {
    await packaging("org-adjust", { sku: "KEN-250-B", quantity: 20 });
    const steps = [
      [{ delta: -2, reason: "write_off", note: "Beutel gerissen" }, 18],
      [{ delta: -1, reason: "sample" }, 17],
      [{ delta: 3, reason: "correction", note: "falsch gezählt" }, 20],
      [{ counted: 12, reason: "stocktake" }, 12],
      [{ counted: 15, reason: "stocktake" }, 15],
    ] as const;
    for (const [change, available] of steps) {
      const { status, body } = await adjust("org-adjust", { sku: "KEN-250-B", ...change });
      expect(status).toBe(201);
      expect(body.data).toEqual({
        movement_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        sku: "KEN-250-B",
        available,
        push: "not_connected",
      });
    }
    // A count that matches records nothing.
    const same = await adjust("org-adjust", { sku: "KEN-250-B", counted: 15, reason: "stocktake" });
    expect(same.status).toBe(201);
    expect(same.body.data).toMatchObject({ movement_id: null, available: 15 });
    // Below 0 is refused, and nothing is booked.
    const refused = await adjust("org-adjust", { sku: "KEN-250-B", delta: -16, reason: "sample" });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: "insufficient_stock",
      details: { available: 15 },
    });
    expect(
      (await adjust("org-adjust", { sku: "KEN-250-B", counted: 0, reason: "stocktake" })).body.data
        .available,
    ).toBe(0);
    expect(await movements("org-adjust")).toEqual([
      { kind: "packaging", delta: 20, reason: null, note: null },
      { kind: "adjustment", delta: -2, reason: "write_off", note: "Beutel gerissen" },
      { kind: "adjustment", delta: -1, reason: "sample", note: null },
      { kind: "adjustment", delta: 3, reason: "correction", note: "falsch gezählt" },
      { kind: "adjustment", delta: -8, reason: "stocktake", note: null },
      { kind: "adjustment", delta: 3, reason: "stocktake", note: null },
      { kind: "adjustment", delta: -15, reason: "stocktake", note: null },
    ]);
  });
});

describe("Idempotency-Key", () => {
  it("is shared by packagings and adjustments; another body under a used key is refused with 422", async () => {
    const first = await packaging("org-keys", { sku: "ETH-1", quantity: 5 }, "k-1");
    expect(first.status).toBe(201);
    // The same JSON value in other bytes is the same request.
    const response = await fetch(`${url}/api/v1/inventory/packagings`, {
      method: "POST",
      headers: {
        authorization: await signUserToken({ org: "org-keys" }),
        "content-type": "application/json",
        "idempotency-key": "k-1",
      },
      body: '{ "quantity" : 5,\n "sku":"ETH-1" }',
    });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe(first.text);
    for (const [path, body] of [
      ["/api/v1/inventory/packagings", { sku: "ETH-1", quantity: 6 }],
      ["/api/v1/inventory/adjustments", { sku: "ETH-1", delta: 5, reason: "correction" }],
    ] as const) {
      const reused = await send(path, "org-keys", body, "k-1");
      expect(reused.status).toBe(422);
      expect(reused.body.error?.code).toBe("idempotency_key_reused");
    }
    // An adjustment repeated with its key books once.
    const adjustment = { sku: "ETH-1", delta: -2, reason: "sample" };
    const once = await adjust("org-keys", adjustment, "k-2");
    expect(await adjust("org-keys", adjustment, "k-2")).toEqual(once);
    expect(once.body.data.available).toBe(3);
    expect((await movements("org-keys")).length).toBe(2);
  });

  it("leaves the key of a refused request free, and checks the key's form", async () => {
    await packaging("org-refused", { sku: "R", quantity: 1 });
    const body = { sku: "R", delta: -5, reason: "write_off" };
    expect((await adjust("org-refused", body, "k-r")).status).toBe(409);
    await packaging("org-refused", { sku: "R", quantity: 10 });
    expect((await adjust("org-refused", body, "k-r")).status).toBe(201);
    for (const key of ["mit leerzeichen", "ü", "x".repeat(256)]) {
      const bad = await packaging("org-refused", { sku: "R", quantity: 1 }, key);
      expect([bad.status, bad.body.error?.code]).toEqual([400, "invalid_request"]);
    }
    // An empty header is no key.
    expect((await packaging("org-refused", { sku: "R", quantity: 1 }, "")).status).toBe(201);
    expect((await packaging("org-refused", { sku: "R", quantity: 1 }, "")).status).toBe(201);
  });
});

describe("the running balance", () => {
  it("stays the sum of the movements while packagings, adjustments and an order sync run at once", async () => {
    const connectionId = await insertConnection(db, "org-busy", "busy.myshopify.com");
    const skus = ["B-1", "B-2", "B-3"];
    for (const [index, sku] of skus.entries()) {
      await db.pool.query(
        `INSERT INTO shopify_product_variants (connection_id, shopify_id, product_id, title, sku, inventory_item_id, raw)
         VALUES ($1, $2::bigint, 1, 'v', $3, $2::bigint + 1000, '{}')`,
        [connectionId, 50 + index, sku],
      );
      await db.pool.query(
        `INSERT INTO shopify_inventory_levels (connection_id, inventory_item_id, location_id, available, raw)
         VALUES ($1, $2, 101, 100, '{}')`,
        [connectionId, 1050 + index],
      );
    }
    await applyShopifyToLedger(db.pool, connectionId);
    let order = 7000;
    const orderSync = async () => {
      order++;
      await upsertMirrorRows(db.pool, connectionId, "shopify_orders", [
        {
          shopify_id: order,
          name: `#${order}`,
          processed_at: new Date().toISOString(),
          cancelled_at: null,
          line_items: skus.map((sku, index) => ({
            id: String(order * 10 + index),
            variant_id: String(50 + index),
            sku,
            quantity: 1,
          })),
          raw: {},
          shopify_updated_at: new Date().toISOString(),
        },
      ]);
      await applyShopifyToLedger(db.pool, connectionId);
    };
    // The order syncs one after the other (one sync job per connection at a time), while the
    // requests come in all at once.
    const orderSyncs = (async () => {
      for (let round = 0; round < 12; round++) await orderSync();
    })();
    const requests = Array.from({ length: 12 }, (_, round) => [
      packaging("org-busy", { sku: skus[round % 3], quantity: 2 }),
      adjust("org-busy", { sku: skus[(round + 1) % 3], delta: -1, reason: "sample" }),
      adjust("org-busy", { sku: skus[(round + 2) % 3], counted: 90 + round, reason: "stocktake" }),
    ]).flat();
    const [answers] = await Promise.all([Promise.all(requests), orderSyncs]);
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
    expect(await balancesOffTheirMovements()).toEqual([]);
    const orders = await db.pool.query(
      "SELECT count(*)::int AS n FROM inventory_movements WHERE organization_id = 'org-busy' AND kind = 'shopify_order'",
    );
    expect(orders.rows[0].n).toBe(12 * 3);
  });
});
