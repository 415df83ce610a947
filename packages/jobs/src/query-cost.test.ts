import { estimateQueryCost } from "@roestify/shopify";
import * as documents from "@roestify/shopify/documents";
import { start } from "@roestify/shopify-simulator";
import { afterAll, describe, expect, it } from "vitest";

const shop = "cost-roesterei.myshopify.com";
const simulator = await start({
  apiKey: "cost-key",
  apiSecret: "cost-secret",
  shops: [{ domain: shop, seed: 3, products: 2, customers: 1, orders: 1 }],
});
afterAll(() => simulator.close());
const { access_token } = simulator.createAccessToken(shop);

/** What Shopify (the simulator, on the real schema) says a document will cost. */
async function requestedCost(query: string, variables: object) {
  const response = await fetch(`${simulator.url}/admin/api/2026-10/graphql.json`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-forwarded-host": shop,
      "x-shopify-access-token": access_token,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    extensions?: { cost: { requestedQueryCost: number } };
  };
  return body.extensions?.cost.requestedQueryCost;
}

// Variables of the right types: the cost is computed before anything is looked up.
const variables: Record<string, object> = {
  inventoryLevelsAtLocationQuery: {
    ids: ["gid://shopify/InventoryItem/1", "gid://shopify/InventoryItem/2"],
    locationId: "gid://shopify/Location/1",
  },
  inventorySetQuantitiesMutation: {
    key: "cost-key",
    input: { name: "available", reason: "correction", quantities: [] },
  },
  bulkOperationRunQueryMutation: { query: "{ shop { id } }" },
  bulkOperationQuery: { id: "gid://shopify/BulkOperation/1" },
  orderLineItemsQuery: { id: "gid://shopify/Order/1" },
  refundsQuery: { ids: ["gid://shopify/Refund/1", "gid://shopify/Refund/2"] },
  refundsWithReturnQuery: { ids: ["gid://shopify/Refund/1", "gid://shopify/Refund/2"] },
  refundLineItemsQuery: { id: "gid://shopify/Refund/1", after: "cursor" },
  orderReturnsQuery: { id: "gid://shopify/Order/1" },
  returnReverseFulfillmentOrdersQuery: { id: "gid://shopify/Return/1", after: "cursor" },
  reverseFulfillmentOrderLineItemsQuery: {
    id: "gid://shopify/ReverseFulfillmentOrder/1",
    after: "cursor",
  },
  webhookSubscriptionCreateMutation: { topic: "ORDERS_CREATE", uri: "https://app.example/hooks" },
  webhookSubscriptionDeleteMutation: { id: "gid://shopify/WebhookSubscription/1" },
};

describe("the client's cost estimate", () => {
  // Bulk queries are not sent as requests; they are the argument of bulkOperationRunQuery.
  // appUninstall revokes the token the others need: it is asked last.
  const sent = Object.entries(documents)
    .filter(([name]) => !name.endsWith("BulkQuery"))
    .sort(
      ([a], [b]) => Number(a === "appUninstallMutation") - Number(b === "appUninstallMutation"),
    );

  it.each(sent)("%s costs what Shopify will ask for", async (name, document) => {
    const values = variables[name] ?? {};
    expect(estimateQueryCost(document, values)).toBe(await requestedCost(document, values));
  });
});
