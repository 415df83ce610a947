import { holdWorkerLiveness, runQueueTick } from "@roestify/jobs";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { insertConnection, readEnvelope, startTestApp, testSecrets } from "./testing.ts";

const { url, db, services } = await startTestApp();

const cron = (method: string, secret?: string) =>
  fetch(`${url}/cron/shopify-queue`, {
    method,
    headers: secret ? { authorization: `Bearer ${secret}` } : {},
  });

const addTickJob = async () =>
  (await db.pool.query("SELECT (graphile_worker.add_job('shopify_queue_tick', '{}')).id")).rows[0]
    .id as string;

describe("/cron/shopify-queue", () => {
  it("needs the cron secret", async () => {
    for (const secret of [undefined, "wrong", `${testSecrets.CRON_SECRET}x`]) {
      const response = await cron("GET", secret);
      expect(response.status).toBe(401);
      expect((await readEnvelope(response)).error?.code).toBe("unauthorized");
    }
    expect((await cron("PUT", testSecrets.CRON_SECRET)).status).toBe(404);
  });

  it("runs ready jobs until none is left, by GET or POST", async () => {
    await addTickJob();
    await addTickJob();
    const response = await cron("POST", testSecrets.CRON_SECRET);
    expect(response.status).toBe(200);
    expect((await readEnvelope(response)).data).toEqual({ enqueued: 0, processed: 2 });
    const left = await db.pool.query("SELECT count(*)::int AS n FROM graphile_worker.jobs");
    expect(left.rows[0].n).toBe(0);
    expect((await readEnvelope(await cron("GET", testSecrets.CRON_SECRET))).data).toEqual({
      enqueued: 0,
      processed: 0,
    });
  });
});

describe("the queue tick", () => {
  it("enqueues an incremental sync for active connections whose last sync is too old", async () => {
    const due = await insertConnection(db, "org-due", "due.myshopify.com");
    const recent = await insertConnection(db, "org-recent", "recent.myshopify.com");
    const busy = await insertConnection(db, "org-busy", "busy.myshopify.com");
    const reauth = await insertConnection(db, "org-reauth", "reauth.myshopify.com");
    await db.pool.query(
      `UPDATE shopify_connections SET last_synced_at = now() - interval '16 minutes'
       WHERE id IN ($1, $2, $3)`,
      [due, busy, reauth],
    );
    await db.pool.query(
      "UPDATE shopify_connections SET last_synced_at = now() - interval '14 minutes' WHERE id = $1",
      [recent],
    );
    await db.pool.query("UPDATE shopify_connections SET status = 'reauth_required' WHERE id = $1", [
      reauth,
    ]);
    await db.pool.query(
      `INSERT INTO shopify_sync_jobs (organization_id, connection_id, type, status, requested_by)
       VALUES ('org-busy', $1, 'full_sync', 'running', 'test')`,
      [busy],
    );
    expect(await runQueueTick(services)).toEqual({ enqueued: 1, processed: 0 });
    const queued = await db.pool.query(
      "SELECT connection_id, type, requested_by FROM shopify_sync_jobs WHERE status = 'queued'",
    );
    expect(queued.rows).toEqual([
      { connection_id: due, type: "incremental_sync", requested_by: "cron" },
    ]);
    // Queued now: the next tick does not enqueue it twice.
    expect((await runQueueTick(services)).enqueued).toBe(0);
  });

  it("queues each due connection once, with its graphile-worker job, when ticks run at the same minute", async () => {
    const connections: string[] = [];
    for (let n = 0; n < 20; n++) {
      connections.push(
        await insertConnection(db, `org-same-minute-${n}`, `same-minute-${n}.myshopify.com`),
      );
    }
    await db.pool.query(
      "UPDATE shopify_connections SET last_synced_at = now() - interval '1 hour' WHERE id = ANY($1)",
      [connections],
    );
    const ticks = await Promise.all([1, 2, 3, 4].map(() => runQueueTick(services)));
    const jobs = await db.pool.query(
      `SELECT j.connection_id, g.task_identifier, g.max_attempts
       FROM shopify_sync_jobs j
       LEFT JOIN graphile_worker.jobs g ON g.key = j.id::text AND g.task_identifier = j.type
       WHERE j.connection_id = ANY($1)`,
      [connections],
    );
    expect(jobs.rows.map((row) => row.connection_id).sort()).toEqual([...connections].sort());
    expect(new Set(jobs.rows.map((row) => `${row.task_identifier}/${row.max_attempts}`))).toEqual(
      new Set(["incremental_sync/5"]),
    );
    expect(ticks.reduce((sum, tick) => sum + tick.enqueued, 0)).toBe(20);
  });

  it("releases the jobs of dead workers at once, never those of live ones", async () => {
    const live = new pg.Client({ connectionString: db.url });
    await live.connect();
    try {
      await holdWorkerLiveness(live, "worker-alive");
      // A worker that registered as every worker does, then died with its lock.
      await db.pool.query("INSERT INTO job_workers (worker_id) VALUES ('worker-killed')");
      const jobs = [await addTickJob(), await addTickJob()];
      const lock = (id: string, worker: string) =>
        db.pool.query(
          `UPDATE graphile_worker._private_jobs
           SET locked_at = now() - interval '1 minute', locked_by = $2 WHERE id = $1`,
          [id, worker],
        );
      await lock(jobs[0] as string, "worker-alive");
      await lock(jobs[1] as string, "worker-killed");
      await runQueueTick(services);
      const locks = await db.pool.query(
        "SELECT locked_by FROM graphile_worker.jobs WHERE id = ANY($1) ORDER BY id",
        [jobs],
      );
      expect(locks.rows).toEqual([{ locked_by: "worker-alive" }, { locked_by: null }]);
    } finally {
      await live.end();
    }
  });
});
