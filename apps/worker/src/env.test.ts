import { describe, expect, it } from "vitest";
import { readWorkerEnv, workerPoolSize } from "./env.ts";

describe("worker configuration", () => {
  it("sizes the database pool for a lock and an import session per running job", () => {
    expect(workerPoolSize(readWorkerEnv({}))).toBe(10);
    for (const concurrency of [1, 2, 9, 10, 32]) {
      const size = workerPoolSize(readWorkerEnv({ WORKER_CONCURRENCY: String(concurrency) }));
      expect(size).toBeGreaterThanOrEqual(2 * concurrency + 2);
      expect(size).toBeLessThanOrEqual(Math.max(10, 2 * concurrency + 2));
    }
  });

  it("refuses a concurrency outside 1..32", () => {
    expect(() => readWorkerEnv({ WORKER_CONCURRENCY: "0" })).toThrow(/WORKER_CONCURRENCY/);
    expect(() => readWorkerEnv({ WORKER_CONCURRENCY: "33" })).toThrow(/WORKER_CONCURRENCY/);
  });
});
