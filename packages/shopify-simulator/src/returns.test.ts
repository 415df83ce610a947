import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frozenNow, graphql, SHOP, startWithShop, type TestSimulator } from "./test-helpers.ts";

let t: TestSimulator;

beforeAll(async () => {
  t = await startWithShop({ now: frozenNow }, { products: 2, orders: 0, customers: 1 });
});
afterAll(() => t.sim.close());

const returnsQuery = `query($id: ID!) { order(id: $id) { returnStatus updatedAt
  returns(first: 5) { nodes { id status refunds(first: 5) { nodes { id } }
    reverseFulfillmentOrders(first: 2) { nodes { lineItems(first: 10) { nodes {
      fulfillmentLineItem { lineItem { id } }
      dispositions { type quantity location { id } } } } } } } } } }`;

/** A shipped order of three bags of a new variant, and that variant's `available`. */
function shippedOrder(sku: string) {
  t.sim.createProduct(SHOP, {
    title: "Brasilien Santos",
    variants: [{ option: "500 g", sku, available: [10] }],
  });
  const order = t.sim.placeOrder(SHOP, { lineItems: [{ sku, quantity: 3 }] });
  t.sim.fulfillOrder(SHOP, order.id);
  const available = () => t.sim.getInventory(SHOP, { sku })[0]?.quantities.available;
  return { order, lineItemId: order.lineItems[0]?.id as string, available };
}

describe("returns", () => {
  it("processes a return over the control API: restocked units go back to available", async () => {
    const { order, lineItemId, available } = shippedOrder("SANTOS-500");
    const before = available() as number;
    t.sim.advanceClock(1000);
    const res = await fetch(
      `${t.sim.url}/_control/shops/${SHOP}/orders/${order.id.split("/").pop()}/returns`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          lineItems: [{ lineItemId, quantity: 2 }],
          refund: true,
        }),
      },
    );
    expect(res.status).toBe(200);
    const processed = (await res.json()) as {
      id: string;
      refundIds: string[];
      dispositions: unknown[];
    };
    expect(processed.dispositions).toEqual([
      expect.objectContaining({ lineItemId, type: "RESTOCKED", quantity: 2 }),
    ]);
    expect(available()).toBe(before + 2);

    const token = t.sim.createAccessToken(SHOP, { scope: "read_orders,read_returns" }).access_token;
    const read = (await graphql(t.sim.url, token, returnsQuery, { id: order.id })).body.data.order;
    expect(read.returnStatus).toBe("RETURNED");
    expect(read.updatedAt).not.toBe(order.updatedAt);
    const returned = read.returns.nodes[0];
    expect(returned).toMatchObject({ id: processed.id, status: "CLOSED" });
    expect(returned.refunds.nodes.map((r: { id: string }) => r.id)).toEqual(processed.refundIds);
    expect(returned.reverseFulfillmentOrders.nodes[0].lineItems.nodes).toEqual([
      {
        fulfillmentLineItem: { lineItem: { id: lineItemId } },
        dispositions: [
          { type: "RESTOCKED", quantity: 2, location: { id: expect.stringContaining("Location") } },
        ],
      },
    ]);

    // Only one bag is left to return; a return of more is refused.
    expect(() =>
      t.sim.processReturn(SHOP, order.id, { lineItems: [{ lineItemId, quantity: 2 }] }),
    ).toThrow(/only 1 shipped and not returned/);
    t.sim.processReturn(SHOP, order.id, {
      lineItems: [{ lineItemId, quantity: 1, restock: false }],
    });
    expect(available()).toBe(before + 2);
  });

  it("processes a return unit by unit over reverse fulfillment orders: each refund names its return", async () => {
    const { order, lineItemId, available } = shippedOrder("SANTOS-250");
    const before = available() as number;
    const processed = t.sim.processReturn(SHOP, order.id, {
      lineItems: [1, 2].map((quantity) => ({ lineItemId, quantity })),
      refund: true,
      unitByUnit: true,
      reverseFulfillmentOrders: 2,
    });
    expect(processed.refundIds).toHaveLength(3);
    expect(processed.dispositions.map((d: { quantity: number }) => d.quantity)).toEqual([1, 1, 1]);
    expect(available()).toBe(before + 3);

    const token = t.sim.createAccessToken(SHOP, { scope: "read_orders,read_returns" }).access_token;
    const read = await graphql(
      t.sim.url,
      token,
      `query($id: ID!, $ids: [ID!]!) {
        order(id: $id) { returns(first: 1) { nodes { reverseFulfillmentOrders(first: 5) {
          nodes { lineItems(first: 5) { nodes { dispositions { quantity } } } } } } } }
        nodes(ids: $ids) { ... on Refund { return { id } } } }`,
      { id: order.id, ids: processed.refundIds },
    );
    const rfos = read.body.data.order.returns.nodes[0].reverseFulfillmentOrders.nodes;
    expect(
      rfos.map((rfo: { lineItems: { nodes: unknown[] } }) => rfo.lineItems.nodes.length),
    ).toEqual([1, 1]);
    expect(read.body.data.nodes).toEqual(Array(3).fill({ return: { id: processed.id } }));
    expect(() =>
      t.sim.processReturn(SHOP, order.id, {
        lineItems: [{ lineItemId, quantity: 1 }],
        reverseFulfillmentOrders: 2,
      }),
    ).toThrow(/every reverse fulfillment order needs a line item/);
  });

  it("answers ACCESS_DENIED for an order's returns without read_returns", async () => {
    const { order } = shippedOrder("SANTOS-1000");
    const token = t.sim.createAccessToken(SHOP, { scope: "read_orders" }).access_token;
    const res = await graphql(t.sim.url, token, returnsQuery, { id: order.id });
    expect(res.body.errors[0].extensions.code).toBe("ACCESS_DENIED");
  });
});
