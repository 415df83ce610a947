import { createTestDatabase } from "@roestify/db/testing";
import { createLogger } from "@roestify/runtime";
import { makeWorkerUtils } from "graphile-worker";
import { describe, expect, it } from "vitest";
import { startRunner } from "./runner.ts";

const db = await createTestDatabase();
const log = createLogger({ name: "worker-test", level: "silent" });

describe("worker runner", () => {
  it("picks up a job added through the API in well under a second (LISTEN/NOTIFY)", async () => {
    const started = Promise.withResolvers<number>();
    const runner = await startRunner({
      connectionString: db.url,
      taskList: { ping: async () => started.resolve(Date.now()) },
      concurrency: 1,
      log,
      // Polling alone would find the job only after a minute: only NOTIFY can be this fast.
      pollInterval: 60_000,
    });
    const utils = await makeWorkerUtils({ connectionString: db.url });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const addedAt = Date.now();
      await utils.addJob("ping", {});
      expect((await started.promise) - addedAt).toBeLessThan(500);
    } finally {
      await utils.release();
      await runner.stop();
    }
  });
});
