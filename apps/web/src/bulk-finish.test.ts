import { setTimeout as sleep } from "node:timers/promises";
import { createTaskList, listenForFinishedBulkOperations, startRunner } from "@roestify/jobs";
import { start } from "@roestify/shopify-simulator";
import { afterAll, describe, expect, it } from "vitest";
import { installApp, startTestApp, testSecrets } from "./testing.ts";

const shop = "wartende-roesterei.myshopify.com";
const simulator = await start({
  apiKey: testSecrets.SHOPIFY_API_KEY,
  apiSecret: testSecrets.SHOPIFY_API_SECRET,
  restoreRate: 1000,
  maximumAvailable: 20_000,
  // Running long enough that the sync's first poll finds them running, then waits.
  bulkDelayMs: 300,
  shops: [{ domain: shop, seed: 4, products: 3, customers: 3, orders: 4 }],
});
afterAll(() => simulator.close());
const { url, db, services } = await startTestApp({ SHOPIFY_API_ORIGIN: simulator.url });
services.env.APP_URL = url;

describe("bulk_operations/finish", () => {
  it("wakes the sync waiting for the operation at once", async () => {
    const bulk = await listenForFinishedBulkOperations(db.url, services.log);
    // Without the webhook the sync would next poll its operations a minute later.
    const runner = await startRunner({
      connectionString: db.url,
      taskList: createTaskList(services, {
        settings: { bulkPollMs: 60_000 },
        bulkFinished: bulk.finished,
      }),
      concurrency: 3,
      log: services.log,
    });
    try {
      expect((await installApp(url, "org-wait", shop)).location).toContain("shopify=connected");
      const started = Date.now();
      let status = "queued";
      while (status !== "succeeded" && Date.now() - started < 20_000) {
        await sleep(100);
        const job = await db.pool.query(
          "SELECT status FROM shopify_sync_jobs WHERE type = 'full_sync'",
        );
        status = job.rows[0]?.status;
      }
      expect(status).toBe("succeeded");
      const finished = await db.pool.query(
        "SELECT count(*)::int AS n FROM shopify_webhook_events WHERE topic = 'bulk_operations/finish' AND processed_at IS NOT NULL",
      );
      expect(finished.rows[0].n).toBeGreaterThanOrEqual(4);
    } finally {
      await runner.stop();
      await bulk.close();
    }
  });
});
