import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Faults } from "./faults.ts";
import { SHOP, startWithShop, type TestSimulator } from "./test-helpers.ts";

describe("Faults", () => {
  it("draws faults at about their rates, the same way for the same seed", () => {
    const draw = (seed: number) => {
      const faults = new Faults();
      faults.configure({ seed, http500: 0.1, http503: 0.05, http429: 0.1, reset: 0.05 });
      return Array.from({ length: 4000 }, () => faults.drawRequest().fault);
    };
    const pattern = draw(42);
    expect(draw(42)).toEqual(pattern);
    expect(draw(43)).not.toEqual(pattern);
    const share = (kind: string) => pattern.filter((f) => f === kind).length / pattern.length;
    expect(share("http500")).toBeCloseTo(0.1, 1);
    expect(share("http503")).toBeCloseTo(0.05, 1);
    expect(share("http429")).toBeCloseTo(0.1, 1);
    expect(share("reset")).toBeCloseTo(0.05, 1);
    expect(pattern.filter((f) => f === null).length / pattern.length).toBeCloseTo(0.7, 1);
  });

  it("fails the next requests as listed, before any random draw", () => {
    const faults = new Faults();
    faults.configure({ next: ["lostResponse", "reset"], always: "http500" });
    const kinds = Array.from({ length: 3 }, () => faults.drawRequest().fault);
    expect(kinds).toEqual(["lostResponse", "reset", "http500"]);
  });

  it("rejects rates that add up to more than one", () => {
    expect(() => new Faults().configure({ http500: 0.6, http503: 0.6 })).toThrow(/at most 1/);
  });
});

describe("faults over HTTP", () => {
  let t: TestSimulator;
  const query = "query Probe { shop { name } }";

  beforeAll(async () => {
    t = await startWithShop({}, { products: 1, orders: 0 });
  });
  afterAll(() => t.sim.close());

  async function attempt(): Promise<number | "reset"> {
    try {
      return (await t.gql(query)).status;
    } catch {
      return "reset";
    }
  }

  it("answers 5xx, 429 with Retry-After, THROTTLED and resets at the configured rates", async () => {
    t.sim.setFaults(SHOP, {
      seed: 7,
      http500: 0.1,
      http502: 0.05,
      http429: 0.1,
      throttled: 0.1,
      reset: 0.05,
    });
    t.sim.clearRequests();
    const outcomes: (number | "reset")[] = [];
    for (let i = 0; i < 300; i++) outcomes.push(await attempt());
    const count = (value: number | "reset") => outcomes.filter((o) => o === value).length;
    expect(count(500)).toBeGreaterThan(15);
    expect(count(500)).toBeLessThan(50);
    expect(count(502)).toBeGreaterThan(5);
    expect(count(429)).toBeGreaterThan(15);
    expect(count("reset")).toBeGreaterThan(5);
    const log = t.sim.requests({ shop: SHOP });
    expect(log).toHaveLength(300);
    const throttled = log.filter((entry) => entry.fault === "throttled");
    expect(throttled.length).toBeGreaterThan(15);
    expect(throttled.every((entry) => entry.status === 200)).toBe(true);
    expect(log.find((entry) => entry.fault === null)).toMatchObject({
      method: "POST",
      path: "/admin/api/2026-10/graphql.json",
      shop: SHOP,
      operationName: "Probe",
      status: 200,
      cost: 1,
    });
    t.sim.clearRequests();
    expect(t.sim.requests()).toEqual([]);
  });

  it("sends Retry-After with 429 and THROTTLED bodies that look like Shopify's", async () => {
    t.sim.setFaults(SHOP, { always: "http429", retryAfterSeconds: 3 });
    const res = await fetch(`${t.sim.url}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Access-Token": t.token,
        "X-Forwarded-Host": SHOP,
      },
      body: JSON.stringify({ query }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
    t.sim.setFaults(SHOP, { always: "throttled" });
    const { body } = await t.gql(query);
    expect(body.errors[0].extensions.code).toBe("THROTTLED");
    expect(body.extensions.cost.throttleStatus.currentlyAvailable).toBe(0);
    t.sim.setFaults(SHOP, { always: "reset" });
    await expect(t.gql(query)).rejects.toThrow();
    t.sim.setFaults(SHOP, {});
    expect((await t.gql(query)).status).toBe(200);
  });

  it("delays slow responses", async () => {
    t.sim.setFaults(SHOP, { slow: 1, slowMs: 60 });
    const started = performance.now();
    expect((await t.gql(query)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    t.sim.clearFaults(SHOP);
  });
});
