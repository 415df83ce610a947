import { applyShopifyToLedger } from "@roestify/inventory";
import { runQueueTick } from "@roestify/jobs";
import { upsertMirrorRows } from "@roestify/shopify";
import { describe, expect, it } from "vitest";
import {
  type Envelope,
  insertConnection,
  readEnvelope,
  signUserToken,
  startTestApp,
} from "./testing.ts";

const { url, db, services } = await startTestApp();

async function packaging(org: string, body: unknown, idempotencyKey?: string) {
  const response = await fetch(`${url}/api/v1/inventory/packagings`, {
    method: "POST",
    headers: {
      authorization: await signUserToken({ org }),
      "content-type": "application/json",
      ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
    },
    body: JSON.stringify(body),
  });
  // The text too: a repeated Idempotency-Key must get the first answer byte for byte.
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Envelope };
}

async function inventory(org: string) {
  const response = await fetch(`${url}/api/v1/inventory`, {
    headers: { authorization: await signUserToken({ org }) },
  });
  return (await readEnvelope(response)).data;
}

/** A mirrored variant with its inventory level at location 101 (the inventory location). */
/** An order written by the mirror writers, as a sync writes it (queued for the stock ledger). */
async function mirrorOrder(
  connectionId: string,
  order: number,
  lineItem: Record<string, unknown>,
  cancelledAt: string | null = null,
) {
  await upsertMirrorRows(db.pool, connectionId, "shopify_orders", [
    {
      shopify_id: order,
      name: `#${order}`,
      processed_at: new Date().toISOString(),
      cancelled_at: cancelledAt,
      line_items: [lineItem],
      raw: {},
      shopify_updated_at: new Date().toISOString(),
    },
  ]);
}

async function mirrorVariant(
  connectionId: string,
  variant: number,
  sku: string,
  available: number,
) {
  await db.pool.query(
    `INSERT INTO shopify_product_variants (connection_id, shopify_id, product_id, title, sku, inventory_item_id, raw)
     VALUES ($1, $2::bigint, 1, '1 kg', $3, $2::bigint + 1000, '{}')`,
    [connectionId, variant, sku],
  );
  await db.pool.query(
    `INSERT INTO shopify_inventory_levels (connection_id, inventory_item_id, location_id, available, raw)
     VALUES ($1, $2::bigint + 1000, 101, $3, '{}')`,
    [connectionId, variant, available],
  );
}

describe("POST /api/v1/inventory/packagings", () => {
  it.each([
    ["zero", { sku: "A", quantity: 0 }],
    ["negative", { sku: "A", quantity: -5 }],
    ["a fraction", { sku: "A", quantity: 1.5 }],
    ["a string", { sku: "A", quantity: "x" }],
    ["too much", { sku: "A", quantity: 1_000_000_000 }],
    ["no SKU", { quantity: 3 }],
    ["a bad date", { sku: "A", quantity: 3, packaged_at: "gestern" }],
  ])("refuses %s with 400 invalid_request", async (_, body) => {
    const { status, body: answer } = await packaging("org-invalid", body);
    expect(status).toBe(400);
    expect(answer.error?.code).toBe("invalid_request");
  });

  it("records packaging without a connection and says so", async () => {
    const { status, body } = await packaging("org-alone", { sku: "BRA-1000-B", quantity: 20 });
    expect(status).toBe(201);
    expect(body.data).toEqual({
      movement_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sku: "BRA-1000-B",
      available: 20,
      push: "not_connected",
    });
    expect(
      (await packaging("org-alone", { sku: "BRA-1000-B", quantity: 5 })).body.data.available,
    ).toBe(25);
  });

  it("queues a push for a mapped SKU, says not_mapped for an unknown one", async () => {
    const connectionId = await insertConnection(db, "org-shop", "packaging.myshopify.com");
    await mirrorVariant(connectionId, 11, "ETH-250-F", 7);
    expect((await packaging("org-shop", { sku: "ETH-250-F", quantity: 3 })).body.data.push).toBe(
      "queued",
    );
    expect((await packaging("org-shop", { sku: "eth-250-f", quantity: 3 })).body.data.push).toBe(
      "not_mapped",
    );
    const jobs = await db.pool.query(
      "SELECT type, status FROM shopify_sync_jobs WHERE connection_id = $1",
      [connectionId],
    );
    expect(jobs.rows).toEqual([{ type: "inventory_push", status: "queued" }]);
  });

  it("answers a repeated Idempotency-Key with the first answer and records nothing twice", async () => {
    const first = await packaging("org-idem", { sku: "COL-500-B", quantity: 4 }, "key-1");
    const again = await packaging("org-idem", { sku: "COL-500-B", quantity: 4 }, "key-1");
    const concurrent = await Promise.all(
      [1, 2, 3].map(() => packaging("org-idem", { sku: "COL-500-B", quantity: 4 }, "key-2")),
    );
    expect(again).toEqual(first);
    expect(new Set(concurrent.map((answer) => answer.body.data.movement_id)).size).toBe(1);
    const movements = await db.pool.query(
      "SELECT count(*)::int AS n FROM inventory_movements WHERE organization_id = 'org-idem'",
    );
    expect(movements.rows[0].n).toBe(2);
    // The same key in another organisation is another request.
    expect((await packaging("org-idem-2", { sku: "X", quantity: 1 }, "key-1")).status).toBe(201);
  });

  it("keeps a movement to a SKU of its own organisation", async () => {
    await packaging("org-mine", { sku: "MINE", quantity: 1 });
    await packaging("org-theirs", { sku: "THEIRS", quantity: 1 });
    const book = (sku: string) =>
      db.pool.query(
        `INSERT INTO inventory_movements (organization_id, inventory_item_id, kind, delta, source_ref, occurred_at)
         SELECT 'org-mine', id, 'adjustment', 1, 'adjustment:' || sku, now()
         FROM inventory_items WHERE sku = $1`,
        [sku],
      );
    await book("MINE");
    await expect(book("THEIRS")).rejects.toThrow(/foreign key/);
  });
});

/**
 * An order as a full sync's COPY writes it into an empty mirror: no `cancel_seq` (only an upsert
 * draws one), queued for the ledger.
 */
async function copyOrder(connectionId: string, order: number, lineItem: Record<string, unknown>) {
  await db.pool.query(
    `WITH copied AS (
       INSERT INTO shopify_orders
         (connection_id, shopify_id, name, processed_at, cancelled_at, line_items, raw, shopify_updated_at)
       VALUES ($1, $2, $3, now(), now(), $4, '{}', now()) RETURNING shopify_id)
     INSERT INTO ledger_pending_orders (connection_id, order_id) SELECT $1, shopify_id FROM copied`,
    [connectionId, order, `#${order}`, JSON.stringify([lineItem])],
  );
}

describe("the ledger after a sync", () => {
  it("nets an order copied in already cancelled to nothing, before or after the opening balance and when written again", async () => {
    const connectionId = await insertConnection(db, "org-copied", "copied.myshopify.com");
    await mirrorVariant(connectionId, 31, "ETH-1000-B", 20);
    // Placed and cancelled before the opening balance, which covers it.
    const covered = { id: "9099", variant_id: "31", sku: "ETH-1000-B", quantity: 2 };
    await copyOrder(connectionId, 599, covered);
    await applyShopifyToLedger(db.pool, connectionId);
    // Placed and cancelled after the opening balance, first seen by a full sync's copy.
    const line = { id: "9100", variant_id: "31", sku: "ETH-1000-B", quantity: 4 };
    await copyOrder(connectionId, 600, line);
    await applyShopifyToLedger(db.pool, connectionId);
    const available = async () => (await inventory("org-copied"))[0].available;
    expect(await available()).toBe(20);
    const movements = await db.pool.query(
      "SELECT kind, delta FROM inventory_movements WHERE source_ref LIKE '%:9100' ORDER BY kind",
    );
    expect(movements.rows).toEqual([
      { kind: "shopify_order", delta: -4 },
      { kind: "shopify_order_cancelled", delta: 4 },
    ]);
    // Written again by an upsert (still cancelled): each keeps when it was first seen cancelled.
    await mirrorOrder(connectionId, 599, covered, new Date().toISOString());
    await mirrorOrder(connectionId, 600, line, new Date().toISOString());
    await applyShopifyToLedger(db.pool, connectionId);
    expect(await available()).toBe(20);
  });

  it("books an order placed after Shopify last changed the levels it read, though the first sync saw both", async () => {
    const connectionId = await insertConnection(db, "org-late", "late.myshopify.com");
    await mirrorVariant(connectionId, 41, "LATE-1", 20);
    await db.pool.query(
      "UPDATE shopify_inventory_levels SET shopify_updated_at = '2026-12-06T10:00:00Z' WHERE connection_id = $1",
      [connectionId],
    );
    // Written as a first sync's COPY writes them: not queued for the ledger.
    for (const [order, at, quantity] of [
      [700, "2026-12-06T09:59:00Z", 2],
      [701, "2026-12-06T10:01:00Z", 3],
    ] as const) {
      await db.pool.query(
        `INSERT INTO shopify_orders (connection_id, shopify_id, name, processed_at, line_items, raw,
           shopify_created_at, shopify_updated_at)
         VALUES ($1, $2, $3, $4, $5, '{}', $4, $4)`,
        [
          connectionId,
          order,
          `#${order}`,
          at,
          JSON.stringify([{ id: String(order * 10), variant_id: "41", sku: "LATE-1", quantity }]),
        ],
      );
    }
    await applyShopifyToLedger(db.pool, connectionId);
    await applyShopifyToLedger(db.pool, connectionId);
    // The earlier order is in Shopify's 20; the later one is not.
    expect((await inventory("org-late"))[0]).toMatchObject({ sku: "LATE-1", available: 17 });
    // Its push is no concern of the queue tick's test below.
    await db.pool.query("DELETE FROM shopify_connections WHERE id = $1", [connectionId]);
  });

  it("replaces the opening balance of a shop the organisation no longer connects", async () => {
    const first = await insertConnection(db, "org-moved", "alt.myshopify.com");
    await mirrorVariant(first, 51, "MOVE-1", 20);
    await applyShopifyToLedger(db.pool, first);
    await db.pool.query(
      `INSERT INTO inventory_movements (organization_id, inventory_item_id, kind, delta, source_ref, occurred_at)
       SELECT organization_id, id, 'packaging', 5, 'packaging:moved', now()
       FROM inventory_items WHERE organization_id = 'org-moved'`,
    );
    expect((await inventory("org-moved"))[0].available).toBe(25);
    // A different shop replaces the connection (as the OAuth callback does): its quantity is
    // adopted instead of the old shop's, what was packaged stays on top.
    await db.pool.query("DELETE FROM shopify_connections WHERE id = $1", [first]);
    const second = await insertConnection(db, "org-moved", "neu.myshopify.com");
    await mirrorVariant(second, 52, "MOVE-1", 8);
    await applyShopifyToLedger(db.pool, second);
    await applyShopifyToLedger(db.pool, second);
    expect((await inventory("org-moved"))[0]).toMatchObject({
      available: 13,
      push_status: "pending",
    });
    await db.pool.query("DELETE FROM shopify_connections WHERE id = $1", [second]);
  });

  it("adopts Shopify's quantity as opening balance, then follows orders and cancellations", async () => {
    const connectionId = await insertConnection(db, "org-ledger", "ledger.myshopify.com");
    await mirrorVariant(connectionId, 21, "KEN-1000-B", 40);
    await mirrorVariant(connectionId, 22, "DUP", 1);
    await mirrorVariant(connectionId, 23, "DUP", 2);
    await mirrorOrder(connectionId, 500, {
      id: "9000",
      variant_id: "21",
      sku: "KEN-1000-B",
      quantity: 5,
    });
    await applyShopifyToLedger(db.pool, connectionId);
    // The old order is already in Shopify's quantity: it deducts nothing.
    let items = await inventory("org-ledger");
    expect(items).toEqual([
      // Two variants with one SKU share its stock: the larger of their quantities.
      expect.objectContaining({
        sku: "DUP",
        available: 2,
        shopify_variants: [
          { id: "gid://shopify/ProductVariant/22", shopify_available: 1 },
          { id: "gid://shopify/ProductVariant/23", shopify_available: 2 },
        ],
        push_status: "pending",
      }),
      expect.objectContaining({
        sku: "KEN-1000-B",
        available: 40,
        shopify_variant_id: "gid://shopify/ProductVariant/21",
        shopify_location_id: "gid://shopify/Location/101",
        shopify_available: 40,
        push_status: "in_sync",
      }),
    ]);
    await mirrorOrder(connectionId, 501, {
      id: "9001",
      variant_id: "21",
      sku: "KEN-1000-B",
      quantity: 3,
    });
    await applyShopifyToLedger(db.pool, connectionId);
    await applyShopifyToLedger(db.pool, connectionId);
    items = await inventory("org-ledger");
    expect(items[1]).toMatchObject({
      available: 37,
      shopify_available: 40,
      push_status: "pending",
    });
    await mirrorOrder(
      connectionId,
      501,
      { id: "9001", variant_id: "21", sku: "KEN-1000-B", quantity: 3 },
      new Date().toISOString(),
    );
    await applyShopifyToLedger(db.pool, connectionId);
    items = await inventory("org-ledger");
    expect(items[1].available).toBe(40);
    // The old order written again (say, fulfilled) is still in the opening balance; cancelled now,
    // its coffee comes back, as it does in Shopify.
    const oldLine = { id: "9000", variant_id: "21", sku: "KEN-1000-B", quantity: 5 };
    await mirrorOrder(connectionId, 500, oldLine);
    await applyShopifyToLedger(db.pool, connectionId);
    expect((await inventory("org-ledger"))[1].available).toBe(40);
    await mirrorOrder(connectionId, 500, oldLine, new Date().toISOString());
    await applyShopifyToLedger(db.pool, connectionId);
    await applyShopifyToLedger(db.pool, connectionId);
    expect((await inventory("org-ledger"))[1].available).toBe(45);

    // An explicit mapping names the variants that share the SKU.
    const mapping = (body: unknown) =>
      signUserToken({ org: "org-ledger" }).then((authorization) =>
        fetch(`${url}/api/v1/inventory/DUP/mapping`, {
          method: "PUT",
          headers: { authorization, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    const unknown = await mapping({
      shopify_variant_ids: ["gid://shopify/ProductVariant/23", "gid://shopify/ProductVariant/999"],
    });
    expect(unknown.status).toBe(400);
    expect((await readEnvelope(unknown)).error?.details).toEqual([
      { path: ["shopify_variant_ids", 1], message: "unknown variant" },
    ]);
    expect(
      (await mapping({ shopify_variant_ids: ["gid://shopify/ProductVariant/23"] })).status,
    ).toBe(200);
    await applyShopifyToLedger(db.pool, connectionId);
    expect((await inventory("org-ledger"))[0]).toMatchObject({
      sku: "DUP",
      available: 2,
      shopify_variant_id: "gid://shopify/ProductVariant/23",
      shopify_available: 2,
      push_status: "in_sync",
    });

    // Stock that no job will push (e.g. booked while unmapped) is picked up by the next tick.
    await db.pool.query("UPDATE shopify_connections SET last_synced_at = now()");
    await db.pool.query(
      `INSERT INTO inventory_movements (organization_id, inventory_item_id, kind, delta, source_ref, occurred_at)
       SELECT organization_id, id, 'adjustment', 4, 'adjustment:tick', now()
       FROM inventory_items WHERE organization_id = 'org-ledger' AND sku = 'KEN-1000-B'`,
    );
    expect((await runQueueTick(services)).enqueued).toBe(1);
    const jobs = await db.pool.query(
      "SELECT type, requested_by FROM shopify_sync_jobs WHERE connection_id = $1 AND status = 'queued'",
      [connectionId],
    );
    expect(jobs.rows).toEqual([{ type: "inventory_push", requested_by: "cron" }]);
  });
});
