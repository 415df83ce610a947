import { setTimeout as sleep } from "node:timers/promises";
import { mirrorTables, transaction } from "@roestify/db";
import { describe, expect, it } from "vitest";
import { cancelJobs } from "./cancel.ts";
import { enqueueJob } from "./enqueue.ts";
import { endConnection } from "./lifecycle/disconnect.ts";

import {
  connectShop,
  fastSync,
  jobRow,
  queueJob,
  runAttempt,
  startSyncEnvironment,
} from "./sync-testing.ts";

const shop = "abbruch-roesterei.myshopify.com";
// Bulk operations run for a while, as a big shop's do: the sync is under way when it is stopped.
const { simulator, services } = await startSyncEnvironment([
  { domain: shop, seed: 21, products: 6, customers: 8, orders: 10, bulkDelayMs: 1500 },
]);
const connection = await connectShop(services, simulator, shop);
const { db } = services;

async function until(condition: () => Promise<boolean>) {
  for (let waited = 0; !(await condition()); waited += 20) {
    if (waited > 10_000) throw new Error("condition not reached");
    await sleep(20);
  }
}

const mirrorRows = async () => {
  const counts = await Promise.all(
    mirrorTables.map(async (table) => {
      const result = await db.pool.query(`SELECT count(*)::int AS n FROM ${table}`);
      return result.rows[0].n as number;
    }),
  );
  return counts.reduce((sum, n) => sum + n, 0);
};

describe("cancelling jobs", () => {
  it("removes a queued job and its graphile-worker job; a second cancel finds nothing", async () => {
    const job = await transaction(db.pool, (tx) =>
      enqueueJob(tx, {
        organizationId: connection.organizationId,
        connectionId: connection.connectionId,
        type: "incremental_sync",
        requestedBy: "test",
      }),
    );
    expect(await cancelJobs(db.pool, { jobId: job.jobId })).toEqual([
      { id: job.jobId, previous: "queued" },
    ]);
    expect((await jobRow(services, job.jobId)).status).toBe("cancelled");
    const graphile = await db.pool.query("SELECT count(*)::int AS n FROM graphile_worker.jobs");
    expect(graphile.rows[0].n).toBe(0);
    expect(await cancelJobs(db.pool, { jobId: job.jobId })).toEqual([]);
  });

  it("an uninstall during a running full sync stops it: nothing written after, the job ends cancelled", async () => {
    const id = await queueJob(services, connection, "full_sync");
    const attempt = runAttempt(services, "full_sync", id, 1, { ...fastSync, cancelCheckMs: 50 });
    await until(async () => (await jobRow(services, id)).progress.products === "bulk_running");

    await transaction(db.pool, (tx) => endConnection(tx, connection.connectionId));
    // The task ends quietly: no error, no retry.
    await attempt;
    const requests = simulator.requests({ shop }).length;
    const job = await jobRow(services, id);
    expect(job).toMatchObject({ status: "cancelled", last_error: null });
    expect(job.finished_at).toBeInstanceOf(Date);

    // The shop's bulk operations finish meanwhile; nothing reaches the mirrors or Shopify.
    await sleep(2000);
    expect(await mirrorRows()).toBe(0);
    expect(simulator.requests({ shop })).toHaveLength(requests);
    expect((await jobRow(services, id)).status).toBe("cancelled");
    const stored = await db.pool.query(
      "SELECT status, access_token_encrypted FROM shopify_connections WHERE id = $1",
      [connection.connectionId],
    );
    expect(stored.rows[0]).toEqual({ status: "disconnected", access_token_encrypted: null });
  });
});
