import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { testSecrets } from "@roestify/runtime/testing";
import { describe, expect, it } from "vitest";
import { readWorkerEnv, workerPoolSize } from "./env.ts";

describe("worker configuration", () => {
  it("sizes the database pool for a lock and an import session per running job", () => {
    // The defaults: 8 quick slots and one for full syncs.
    expect(workerPoolSize(readWorkerEnv({}))).toBe(20);
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

describe("worker start-up", () => {
  it("stops with one line naming a weak secret or a Shopify origin off this machine", () => {
    const start = (env: Record<string, string>) =>
      spawnSync(process.execPath, [fileURLToPath(new URL("./main.ts", import.meta.url))], {
        env: { PATH: process.env.PATH ?? "", ...testSecrets, ...env },
        encoding: "utf8",
        timeout: 20_000,
      });
    const weak = start({ CRON_SECRET: "cron" });
    expect([weak.status, weak.stderr.trim()]).toEqual([
      1,
      "worker: configuration error: CRON_SECRET: must be at least 32 characters",
    ]);
    expect(start({ SHOPIFY_API_ORIGIN: "http://shopify.example.com" }).stderr.trim()).toMatch(
      /^worker: configuration error: SHOPIFY_API_ORIGIN: must be a loopback origin[^\n]*$/,
    );
  });
});
