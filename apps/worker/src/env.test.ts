import { describe, expect, it } from "vitest";
import { readWorkerEnv, workerPoolSize } from "./env.ts";

describe("worker configuration", () => {
  it("sizes the database pool for a lock and an import session per running job", () => {
    // The defaults: 4 quick slots and one for full syncs.
    expect(workerPoolSize(readWorkerEnv({}))).toBe(12);
    for (const concurrency of [1, 2, 9, 10, 32]) {
      const env = readWorkerEnv({ WORKER_CONCURRENCY: String(concurrency) });
      // Plus the full-sync slot (one by default).
      const jobs = concurrency + env.WORKER_FULL_SYNC_CONCURRENCY;
      expect(workerPoolSize(env)).toBeGreaterThanOrEqual(2 * jobs + 2);
      expect(workerPoolSize(env)).toBeLessThanOrEqual(Math.max(10, 2 * jobs + 2));
    }
  });

  it("refuses a concurrency outside 1..32", () => {
    expect(() => readWorkerEnv({ WORKER_CONCURRENCY: "0" })).toThrow(/WORKER_CONCURRENCY/);
    expect(() => readWorkerEnv({ WORKER_CONCURRENCY: "33" })).toThrow(/WORKER_CONCURRENCY/);
  });
});
