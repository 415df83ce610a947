import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frozenNow, SHOP, startWithShop, type TestSimulator } from "./test-helpers.ts";
import { LeakyBucket } from "./throttle.ts";

describe("LeakyBucket", () => {
  it("takes, refunds and restores points over time", () => {
    const bucket = new LeakyBucket(100, 10, 0);
    expect(bucket.take(60, 0)).toBe(true);
    expect(bucket.take(60, 0)).toBe(false);
    bucket.refund(20, 0);
    expect(bucket.status(0).currentlyAvailable).toBe(60);
    expect(bucket.status(3000).currentlyAvailable).toBe(90);
    expect(bucket.status(60_000).currentlyAvailable).toBe(100);
  });
});

describe("cost-based throttling over HTTP", () => {
  let t: TestSimulator;
  // 2 + 10 × (1 product + 2 + 3 × 1 variant) = 62 points requested per call.
  const query = "{ products(first: 10) { nodes { id variants(first: 3) { nodes { id } } } } }";

  beforeAll(async () => {
    t = await startWithShop(
      { now: frozenNow, maximumAvailable: 200, restoreRate: 50 },
      { products: 4 },
    );
  });
  afterAll(() => t.sim.close());

  it("reports requested and actual cost and refunds the difference", async () => {
    const { body } = await t.gql(query);
    // Only 4 products with 3 variants exist: 2 + 4 × (1 + 2 + 3) = 26.
    expect(body.extensions.cost).toEqual({
      requestedQueryCost: 62,
      actualQueryCost: 26,
      throttleStatus: { maximumAvailable: 200, currentlyAvailable: 174, restoreRate: 50 },
    });
  });

  it("answers THROTTLED without executing when the bucket cannot pay, and recovers as time passes", async () => {
    t.sim.updateShop(SHOP, { currentlyAvailable: 70 });
    expect((await t.gql(query)).body.data).toBeDefined();
    const throttled = await t.gql(query);
    expect(throttled.status).toBe(200);
    expect(throttled.body).toEqual({
      errors: [
        {
          message: "Throttled",
          extensions: {
            code: "THROTTLED",
            documentation: "https://shopify.dev/api/usage/rate-limits",
          },
        },
      ],
      extensions: {
        cost: {
          requestedQueryCost: 62,
          actualQueryCost: null,
          throttleStatus: { maximumAvailable: 200, currentlyAvailable: 44, restoreRate: 50 },
        },
      },
    });
    // Throttled requests cost nothing; at 50 points/s the missing points come back in a second.
    t.sim.advanceClock(1000);
    const recovered = await t.gql(query);
    expect(recovered.body.data.products.nodes).toHaveLength(4);
    expect(recovered.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(94 - 26);
    // The request log tells the throttled answer from the executed ones.
    const logged = t.sim.requests({ shop: SHOP }).slice(-3);
    expect(logged.map((entry) => [entry.cost, entry.requestedCost, entry.throttled])).toEqual([
      [26, 62, false],
      [62, 62, true],
      [26, 62, false],
    ]);
  });

  it("prices mutations at 10 points", async () => {
    const { body } = await t.gql(
      `mutation { bulkOperationCancel(id: "gid://shopify/BulkOperation/1") { userErrors { message } } }`,
    );
    expect(body.extensions.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });
  });
});
