import { describe, expect, it } from "vitest";
import { CostBucket } from "./throttle.ts";

describe("CostBucket", () => {
  it("lets the first request through, then waits exactly as long as the restore rate needs", () => {
    let now = 0;
    const bucket = new CostBucket(() => now);
    expect(bucket.reserve(100)).toBe(0);
    bucket.settle(100, { maximumAvailable: 1000, currentlyAvailable: 150, restoreRate: 100 });
    expect(bucket.reserve(100)).toBe(0); // 150 available
    expect(bucket.reserve(100)).toBe(500); // 50 left: 50 more points take 0.5 s
    now += 500;
    bucket.settle(100, { maximumAvailable: 1000, currentlyAvailable: 0, restoreRate: 100 });
    // Shopify says 0 left while the other request (100 points) is still in flight.
    expect(bucket.reserve(50)).toBe(1500);
  });

  it("never counts more than the maximum as available", () => {
    let now = 0;
    const bucket = new CostBucket(() => now);
    bucket.reserve(10);
    bucket.settle(10, { maximumAvailable: 200, currentlyAvailable: 200, restoreRate: 100 });
    now += 60_000;
    expect(bucket.reserve(200)).toBe(0);
    expect(bucket.reserve(100)).toBe(1000);
  });
});
