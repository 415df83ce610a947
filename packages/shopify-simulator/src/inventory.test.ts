import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SHOP, startWithShop, type TestSimulator } from "./test-helpers.ts";

let t: TestSimulator;
let itemA: string;
let itemB: string;
let sku: string;
let variantB: string;
let primary: string;

const setQuantities = `mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id reason referenceDocumentUri
      changes { name delta quantityAfterChange item { id } location { id } } }
    userErrors { code field message }
  }
}`;

function available(inventoryItemId: string, locationId = primary): number {
  const [level] = t.sim.getInventory(SHOP, { inventoryItemId, locationId });
  return level?.quantities.available ?? Number.NaN;
}

beforeAll(async () => {
  t = await startWithShop({}, { products: 3, orders: 0, locations: 2 });
  primary = t.sim.getShop(SHOP).locations[0]?.id as string;
  const [a, b] = t.sim.getInventory(SHOP, { locationId: primary }).filter((l) => l.sku);
  if (!a || !b) throw new Error("the generated shop has no SKUs");
  [itemA, itemB, sku, variantB] = [a.inventoryItemId, b.inventoryItemId, a.sku, b.variantId];
});
afterAll(() => t.sim.close());

beforeEach(() => {
  t.sim.setInventory(SHOP, { inventoryItemId: itemA, quantity: 10 });
  t.sim.setInventory(SHOP, { inventoryItemId: itemB, quantity: 20 });
});

let keys = 0;
const freshKey = () => `key-${++keys}`;

describe("inventorySetQuantities", () => {
  it("sets absolute quantities when changeFromQuantity matches", async () => {
    const { body } = await t.gql(setQuantities, {
      key: freshKey(),
      input: {
        name: "available",
        reason: "correction",
        referenceDocumentUri: "gid://roestify/Packaging/1",
        quantities: [
          { inventoryItemId: itemA, locationId: primary, quantity: 25, changeFromQuantity: 10 },
        ],
      },
    });
    const payload = body.data.inventorySetQuantities;
    expect(payload.userErrors).toEqual([]);
    expect(payload.inventoryAdjustmentGroup).toMatchObject({
      id: expect.stringMatching(/^gid:\/\/shopify\/InventoryAdjustmentGroup\/\d+$/),
      reason: "correction",
      referenceDocumentUri: "gid://roestify/Packaging/1",
      changes: [
        {
          name: "available",
          delta: 15,
          quantityAfterChange: 25,
          item: { id: itemA },
          location: { id: primary },
        },
        { name: "on_hand", delta: 15, item: { id: itemA }, location: { id: primary } },
      ],
    });
    expect(available(itemA)).toBe(25);
  });

  it("refuses a stale compare with CHANGE_FROM_QUANTITY_STALE and applies nothing", async () => {
    const { body } = await t.gql(setQuantities, {
      key: freshKey(),
      input: {
        name: "available",
        reason: "correction",
        quantities: [
          { inventoryItemId: itemB, locationId: primary, quantity: 5, changeFromQuantity: 20 },
          { inventoryItemId: itemA, locationId: primary, quantity: 30, changeFromQuantity: 9 },
        ],
      },
    });
    expect(body.data.inventorySetQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [
        {
          code: "CHANGE_FROM_QUANTITY_STALE",
          field: ["input", "quantities", "1", "changeFromQuantity"],
          message: expect.any(String),
        },
      ],
    });
    expect(available(itemA)).toBe(10);
    expect(available(itemB)).toBe(20);
  });

  it("lets changeFromQuantity: null opt out of the compare", async () => {
    const { body } = await t.gql(setQuantities, {
      key: freshKey(),
      input: {
        name: "on_hand",
        reason: "cycle_count_available",
        quantities: [
          { inventoryItemId: itemA, locationId: primary, quantity: 40, changeFromQuantity: null },
        ],
      },
    });
    expect(body.data.inventorySetQuantities.userErrors).toEqual([]);
    expect(
      t.sim.getInventory(SHOP, { inventoryItemId: itemA, locationId: primary })[0]?.quantities
        .on_hand,
    ).toBe(40);
  });

  it("requires changeFromQuantity on every quantity since 2026-04", async () => {
    const { body } = await t.gql(setQuantities, {
      key: freshKey(),
      input: {
        name: "available",
        reason: "correction",
        quantities: [{ inventoryItemId: itemA, locationId: primary, quantity: 1 }],
      },
    });
    expect(body.data).toEqual({ inventorySetQuantities: null });
    expect(body.errors[0]).toMatchObject({
      message: "InventoryQuantityInput must include the following argument: changeFromQuantity.",
      path: ["inventorySetQuantities"],
      extensions: { code: "INVALID_FIELD_ARGUMENTS" },
    });
    expect(available(itemA)).toBe(10);
  });

  it("validates names, reasons, items and locations", async () => {
    const { body } = await t.gql(setQuantities, {
      key: freshKey(),
      input: {
        name: "committed",
        reason: "because",
        quantities: [
          {
            inventoryItemId: "gid://shopify/InventoryItem/1",
            locationId: primary,
            quantity: 1,
            changeFromQuantity: null,
          },
        ],
      },
    });
    expect(
      body.data.inventorySetQuantities.userErrors.map((e: { code: string }) => e.code),
    ).toEqual(["INVALID_NAME", "INVALID_REASON", "INVALID_INVENTORY_ITEM"]);
  });
});

describe("@idempotent", () => {
  const input = () => ({
    name: "available",
    reason: "correction",
    quantities: [
      { inventoryItemId: itemA, locationId: primary, quantity: 12, changeFromQuantity: null },
    ],
  });

  it("applies a key once and returns the first result again", async () => {
    const key = freshKey();
    const first = await t.gql(setQuantities, { key, input: input() });
    t.sim.setInventory(SHOP, { inventoryItemId: itemA, quantity: 3 });
    const again = await t.gql(setQuantities, { key, input: input() });
    expect(again.body.data).toEqual(first.body.data);
    expect(available(itemA)).toBe(3);
  });

  it("refuses a key reused with other arguments", async () => {
    const key = freshKey();
    await t.gql(setQuantities, { key, input: input() });
    const { body } = await t.gql(setQuantities, { key, input: { ...input(), reason: "received" } });
    expect(body.data.inventorySetQuantities.userErrors[0].code).toBe(
      "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
    );
  });

  it("is required on inventory mutations", async () => {
    const { body } = await t.gql(
      `mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }`,
      { input: input() },
    );
    expect(body.errors[0]).toMatchObject({
      message: "The @idempotent directive is required for this mutation but was not provided.",
      extensions: { code: "BAD_REQUEST" },
    });
    expect(available(itemA)).toBe(10);
  });
});

describe("inventoryAdjustQuantities", () => {
  const adjust = `mutation($input: InventoryAdjustQuantitiesInput!, $key: String!) {
    inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
      inventoryAdjustmentGroup { changes { name delta quantityAfterChange } }
      userErrors { code field }
    }
  }`;

  it("applies deltas with compare-and-swap", async () => {
    const ok = await t.gql(adjust, {
      key: freshKey(),
      input: {
        name: "available",
        reason: "received",
        changes: [
          { inventoryItemId: itemA, locationId: primary, delta: 5, changeFromQuantity: 10 },
        ],
      },
    });
    expect(ok.body.data.inventoryAdjustQuantities.inventoryAdjustmentGroup.changes[0]).toEqual({
      name: "available",
      delta: 5,
      quantityAfterChange: 15,
    });
    const stale = await t.gql(adjust, {
      key: freshKey(),
      input: {
        name: "available",
        reason: "received",
        changes: [
          { inventoryItemId: itemA, locationId: primary, delta: 5, changeFromQuantity: 10 },
        ],
      },
    });
    expect(stale.body.data.inventoryAdjustQuantities.userErrors[0].code).toBe(
      "CHANGE_FROM_QUANTITY_STALE",
    );
    expect(available(itemA)).toBe(15);
  });

  it("needs a ledger document for quantities other than available", async () => {
    const { body } = await t.gql(adjust, {
      key: freshKey(),
      input: {
        name: "damaged",
        reason: "damaged",
        changes: [
          { inventoryItemId: itemA, locationId: primary, delta: 1, changeFromQuantity: null },
        ],
      },
    });
    expect(body.data.inventoryAdjustQuantities.userErrors[0].code).toBe("INVALID_LEDGER_DOCUMENT");
  });
});

describe("orders move stock", () => {
  it("placing lowers available and raises committed; fulfilling lowers committed and on_hand", () => {
    const order = t.sim.placeOrder(SHOP, { lineItems: [{ sku, quantity: 3 }] });
    let [level] = t.sim.getInventory(SHOP, { inventoryItemId: itemA, locationId: primary });
    expect(level?.quantities).toMatchObject({ available: 7, committed: 3, on_hand: 10 });
    t.sim.fulfillOrder(SHOP, order.id);
    [level] = t.sim.getInventory(SHOP, { inventoryItemId: itemA, locationId: primary });
    expect(level?.quantities).toMatchObject({ available: 7, committed: 0, on_hand: 7 });
  });

  it("cancelling restores available", () => {
    const order = t.sim.placeOrder(SHOP, { lineItems: [{ variantId: variantB, quantity: 4 }] });
    expect(available(itemB)).toBe(16);
    const cancelled = t.sim.cancelOrder(SHOP, order.id, { reason: "CUSTOMER" });
    expect(cancelled.cancelledAt).not.toBeNull();
    expect(available(itemB)).toBe(20);
  });
});

describe("inventory_levels/update", () => {
  it("goes to the subscribers of the app's own inventorySetQuantities, as Shopify sends it", async () => {
    const bodies: { topic: string; body: Record<string, unknown> }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const topic = req.headers["x-shopify-topic"] as string;
        bodies.push({ topic, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
        res.end();
      });
    }).listen(0, "127.0.0.1");
    await once(receiver, "listening");
    try {
      const uri = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
      const subscribed = await t.gql(
        `mutation Subscribe($uri: String!) {
          webhookSubscriptionCreate(topic: INVENTORY_LEVELS_UPDATE,
                                    webhookSubscription: { uri: $uri, format: JSON }) {
            userErrors { message }
          }
        }`,
        { uri },
      );
      expect(subscribed.body.data.webhookSubscriptionCreate.userErrors).toEqual([]);
      const { body } = await t.gql(setQuantities, {
        key: freshKey(),
        input: {
          name: "available",
          reason: "correction",
          referenceDocumentUri: "gid://roestify/Packaging/2",
          quantities: [
            { inventoryItemId: itemA, locationId: primary, quantity: 12, changeFromQuantity: 10 },
          ],
        },
      });
      expect(body.data.inventorySetQuantities.userErrors).toEqual([]);
      await t.sim.webhooksIdle();
      expect(bodies).toEqual([
        {
          topic: "inventory_levels/update",
          body: expect.objectContaining({
            inventory_item_id: Number(itemA.split("/").pop()),
            location_id: Number(primary.split("/").pop()),
            available: 12,
          }),
        },
      ]);
    } finally {
      receiver.close();
    }
  });
});
