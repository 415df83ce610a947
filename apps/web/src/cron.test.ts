import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { runQueueTick, startRunner } from "@roestify/jobs";
import { describe, expect, it } from "vitest";
import { insertConnection, readEnvelope, startTestApp, testSecrets } from "./testing.ts";

const { url, db, services } = await startTestApp();

const cron = (method: string, secret?: string) =>
  fetch(`${url}/cron/shopify-queue`, {
    method,
    headers: secret ? { authorization: `Bearer ${secret}` } : {},
  });

const addJob = async (task: string) =>
  (await db.pool.query("SELECT (graphile_worker.add_job($1, '{}')).id", [task])).rows[0]
    .id as string;
const addTickJob = () => addJob("shopify_queue_tick");

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
    // Two real runners, each holding a job of its own task: one in this process, one in a child
    // process that is killed with its job.
    const held = Promise.withResolvers<void>();
    const live = await startRunner({
      connectionString: db.url,
      taskList: { held_by_live: () => held.promise },
      concurrency: 1,
      log: services.log,
    });
    const holdingWorker = fileURLToPath(new URL("./holding-worker.ts", import.meta.url));
    const killed = spawn(process.execPath, [holdingWorker, db.url, "held_by_killed"], {
      env: { PATH: process.env.PATH ?? "" },
      stdio: "ignore",
    });
    try {
      const jobs = [await addJob("held_by_live"), await addJob("held_by_killed")];
      const lockedBy = async () =>
        (
          await db.pool.query<{ locked_by: string | null }>(
            "SELECT locked_by FROM graphile_worker.jobs WHERE id = ANY($1) ORDER BY id",
            [jobs],
          )
        ).rows.map((row) => row.locked_by);
      await expect
        .poll(lockedBy, { timeout: 20_000, interval: 100 })
        .toEqual([expect.stringMatching(/^pool-/), expect.stringMatching(/^pool-/)]);
      const [liveWorker] = await lockedBy();
      killed.kill("SIGKILL");
      await once(killed, "exit");
      // PostgreSQL drops the killed worker's liveness lock as its connection closes.
      await expect
        .poll(
          async () => {
            await runQueueTick(services);
            return lockedBy();
          },
          { timeout: 10_000, interval: 100 },
        )
        .toEqual([liveWorker, null]);
    } finally {
      if (killed.exitCode === null) killed.kill("SIGKILL");
      held.resolve();
      await live.stop();
    }
    // A worker process starts: on a busy machine that takes a while.
  }, 60_000);
});
