import { createDatabase, encryptSql } from "@roestify/db";
import { createTestDatabase } from "@roestify/db/testing";
import { describe, expect, it } from "vitest";
import { BulkStaging } from "./bulk-staging.ts";
import { cancelSeq } from "./ledger-feed.ts";
import type { Row, RowTarget } from "./mirror-rows.ts";

const db = await createTestDatabase();

async function newConnection(): Promise<string> {
  const organization = `org-${crypto.randomUUID()}`;
  await db.pool.query("INSERT INTO organizations (id) VALUES ($1)", [organization]);
  const result = await db.pool.query<{ id: string }>(
    `INSERT INTO shopify_connections
       (organization_id, shop, scopes, api_version, access_token_encrypted, inventory_location_id)
     VALUES ($1, $2, 'read_orders', '2026-10', ${encryptSql("'shpat_test'", "$3")}, 1)
     RETURNING id`,
    [organization, `${organization}.myshopify.com`, "test-key-0123456789abcdef0123456789ab"],
  );
  return result.rows[0]?.id as string;
}

/** Stages the rows in chunks of `chunkBytes` (small: many COPYs per table) and merges them. */
async function importRows(
  connectionId: string,
  rows: [RowTarget, Row][],
  { chunkBytes = 64, pool = db.pool, direct = true } = {},
) {
  const staging = new BulkStaging(pool, connectionId, { chunkBytes, direct });
  try {
    for (const [target, row] of rows) await staging.add(target, row);
    return await staging.merge();
  } finally {
    await staging.release();
  }
}

const order = (id: number, updatedAt: string, name = `#${id}`): [RowTarget, Row] => [
  "shopify_orders",
  {
    shopify_id: String(id),
    name,
    email: null,
    total_price: "12.50",
    cancelled_at: null,
    raw: { id: `gid://shopify/Order/${id}`, name },
    shopify_created_at: "2026-11-01T10:00:00Z",
    shopify_updated_at: updatedAt,
  },
];
const lineItem = (orderId: number, id: number): [RowTarget, Row] => [
  "order_line_items",
  { order_id: String(orderId), item: { id, sku: `SKU-${id}`, quantity: 1 } },
];

describe("bulk staging", () => {
  it("keeps every character COPY's text format treats specially", async () => {
    const connectionId = await newConnection();
    const awkward = 'tab\there, new\nline, return\r, back\\slash \\N "quoted" {braces}, 😀 ü';
    await importRows(connectionId, [
      [
        "shopify_fulfillments",
        {
          shopify_id: "1",
          order_id: "7",
          status: awkward,
          tracking_company: null,
          tracking_numbers: ["a,b", 'say "hi"', "back\\slash", "NULL", "{x}", "tab\t", ""],
          tracking_urls: [],
          raw: { text: awkward, nested: { list: [1, null, "\\"] } },
          shopify_created_at: "2026-11-01T10:00:00.123Z",
          shopify_updated_at: null,
        },
      ],
    ]);
    const stored = await db.pool.query(
      "SELECT status, tracking_company, tracking_numbers, tracking_urls, raw FROM shopify_fulfillments WHERE connection_id = $1",
      [connectionId],
    );
    expect(stored.rows).toEqual([
      {
        status: awkward,
        tracking_company: null,
        tracking_numbers: ["a,b", 'say "hi"', "back\\slash", "NULL", "{x}", "tab\t", ""],
        tracking_urls: [],
        raw: { text: awkward, nested: { list: [1, null, "\\"] } },
      },
    ]);
  });

  it.each([
    ["copied into an empty mirror", true],
    ["through the staging", false],
  ])("puts every line item into its order, wherever the file has it (%s)", async (_, direct) => {
    const connectionId = await newConnection();
    const cancelled = order(3, "2026-11-02T10:00:00Z");
    (cancelled[1] as Row).cancelled_at = "2026-11-02T09:00:00Z";
    // More than the window of orders waiting for their line items (32).
    const many = Array.from({ length: 40 }, (_, i) => order(10 + i, "2026-11-02T10:00:00Z"));
    const written = await importRows(
      connectionId,
      [
        lineItem(1, 12), // before its order
        order(1, "2026-11-02T10:00:00Z"),
        order(2, "2026-11-02T10:00:00Z"),
        lineItem(2, 21),
        lineItem(1, 11),
        cancelled,
        ...many,
        lineItem(2, 22), // long after its order
        lineItem(2, 21), // repeated by the file
      ],
      { direct, chunkBytes: 4096 },
    );
    expect(Object.fromEntries(written)).toEqual({ shopify_orders: 43 });
    const stored = await db.pool.query(
      `SELECT shopify_id, line_items, ${cancelSeq("o")} IS NOT NULL AS cancel_seq
       FROM shopify_orders o WHERE connection_id = $1 AND shopify_id < 10 ORDER BY shopify_id`,
      [connectionId],
    );
    expect(
      stored.rows.map((row) => [
        row.shopify_id,
        row.line_items.map((i: Row) => i.id),
        row.cancel_seq,
      ]),
    ).toEqual([
      ["1", [11, 12], false],
      ["2", [21, 22], false],
      ["3", [], true],
    ]);
    const queued = await db.pool.query(
      "SELECT count(*)::int AS n FROM ledger_pending_orders WHERE connection_id = $1",
      [connectionId],
    );
    // A copy queues them only for a ledger with opening balances (the next test).
    expect(queued.rows[0]?.n).toBe(direct ? 0 : 43);
  });

  it("keeps the newest of repeated rows and never replaces a newer stored one", async () => {
    const connectionId = await newConnection();
    await importRows(connectionId, [order(1, "2026-11-05T10:00:00Z", "stored"), lineItem(1, 10)]);
    await importRows(connectionId, [
      order(1, "2026-11-01T10:00:00Z", "older"),
      lineItem(1, 99),
      order(2, "2026-11-03T10:00:00Z", "newest"),
      order(2, "2026-11-02T10:00:00Z", "middle"),
    ]);
    const stored = await db.pool.query(
      "SELECT shopify_id, name, line_items FROM shopify_orders WHERE connection_id = $1 ORDER BY shopify_id",
      [connectionId],
    );
    expect(stored.rows.map((row) => [row.name, row.line_items.map((i: Row) => i.id)])).toEqual([
      ["stored", [10]],
      ["newest", []],
    ]);
  });

  it("copies into an empty mirror directly, where a repeated row fails and leaves nothing", async () => {
    const connectionId = await newConnection();
    const fulfillment = (status: string, updatedAt: string): [RowTarget, Row] => [
      "shopify_fulfillments",
      { shopify_id: "9", order_id: "1", status, raw: {}, shopify_updated_at: updatedAt },
    ];
    const repeated = [
      fulfillment("older", "2026-11-01T10:00:00Z"),
      fulfillment("newer", "2026-11-02T10:00:00Z"),
    ];
    await expect(importRows(connectionId, repeated)).rejects.toMatchObject({ code: "23505" });
    const status = () =>
      db.pool
        .query("SELECT status FROM shopify_fulfillments WHERE connection_id = $1", [connectionId])
        .then((result) => result.rows.map((row) => row.status));
    expect(await status()).toEqual([]);
    // Through the staging, the newest of the repeated rows is kept.
    await importRows(connectionId, repeated, { direct: false });
    expect(await status()).toEqual(["newer"]);
    // The mirror now holds rows of the connection: the next file goes through the staging.
    await importRows(connectionId, [fulfillment("newest", "2026-11-03T10:00:00Z"), ...repeated]);
    expect(await status()).toEqual(["newest"]);
  });

  it("queues the copied orders for the ledger only when it has opening balances to book against", async () => {
    const pending = (connectionId: string) =>
      db.pool
        .query<{ n: number }>(
          "SELECT count(*)::int AS n FROM ledger_pending_orders WHERE connection_id = $1",
          [connectionId],
        )
        .then((result) => result.rows[0]?.n);
    const first = await newConnection();
    await importRows(first, [order(1, "2026-11-02T10:00:00Z"), order(2, "2026-11-02T10:00:00Z")]);
    expect(await pending(first)).toBe(0);

    // The shop had no orders when its SKUs got their opening balances: new ones must be booked.
    const opened = await newConnection();
    await db.pool.query(
      `WITH item AS (
         INSERT INTO inventory_items (organization_id, sku, title)
         SELECT organization_id, 'KEN-1000', 'Kenia' FROM shopify_connections WHERE id = $1
         RETURNING organization_id, id)
       INSERT INTO inventory_movements
         (organization_id, inventory_item_id, kind, delta, source_ref, occurred_at, covers_order_seq)
       SELECT organization_id, id, 'opening_balance', 5, 'opening_balance:' || id, now(), 1 FROM item`,
      [opened],
    );
    await importRows(opened, [order(1, "2026-11-02T10:00:00Z"), order(2, "2026-11-02T10:00:00Z")]);
    expect(await pending(opened)).toBe(2);
  });

  it("aborts a COPY cut short and leaves nothing behind", async () => {
    const connectionId = await newConnection();
    const staging = new BulkStaging(db.pool, connectionId, { chunkBytes: 256, direct: true });
    for (let id = 1; id <= 20; id++) {
      await staging.add("shopify_fulfillments", {
        shopify_id: String(id),
        order_id: "1",
        status: "SUCCESS",
        raw: { id: `gid://shopify/Fulfillment/${id}`, trackingInfo: [] },
        shopify_updated_at: null,
      });
    }
    // The rows were sent (a chunk holds one or two), but the file never got to its merge.
    await staging.release();
    const stored = await db.pool.query(
      "SELECT count(*)::int AS n FROM shopify_fulfillments WHERE connection_id = $1",
      [connectionId],
    );
    expect(stored.rows[0]?.n).toBe(0);
    expect(db.pool.idleCount).toBe(db.pool.totalCount);
  });

  it("shares one session among the tables when the pool has no other to spare", async () => {
    const connectionId = await newConnection();
    const single = createDatabase(db.url, { max: 1 });
    try {
      const fulfillment: [RowTarget, Row] = [
        "shopify_fulfillments",
        { shopify_id: "5", order_id: "1", status: "SUCCESS", raw: {}, shopify_updated_at: null },
      ];
      const written = await importRows(
        connectionId,
        [order(1, "2026-11-02T10:00:00Z"), fulfillment, lineItem(1, 11)],
        { pool: single.pool },
      );
      expect(Object.fromEntries(written)).toEqual({ shopify_orders: 1, shopify_fulfillments: 1 });
      expect(single.pool.totalCount).toBe(1);
    } finally {
      await single.close();
    }
  });

  it("rejects with the database's error and writes nothing when a chunk is refused", async () => {
    const connectionId = await newConnection();
    const bad = order(2, "2026-11-02T10:00:00Z");
    (bad[1] as Row).shopify_id = "not-a-number";
    await expect(
      importRows(connectionId, [order(1, "2026-11-02T10:00:00Z"), bad], { chunkBytes: 1 << 20 }),
    ).rejects.toThrow(/invalid input syntax for type bigint/);
    // The same error when it comes while no statement of the session waits for it.
    const fulfillment = { shopify_id: "x", order_id: "1", status: "SUCCESS", raw: {} };
    const staging = new BulkStaging(db.pool, connectionId, { chunkBytes: 64, direct: true });
    await staging.add("shopify_fulfillments", fulfillment);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(staging.merge()).rejects.toThrow(/invalid input syntax for type bigint/);
    await staging.release();
    const stored = await db.pool.query(
      "SELECT count(*)::int AS n FROM shopify_orders WHERE connection_id = $1",
      [connectionId],
    );
    expect(stored.rows[0]?.n).toBe(0);
    // The sessions went back to the pool usable.
    await expect(db.pool.query("SELECT 1")).resolves.toBeTruthy();
  });
});
