import { describe, expect, it } from "vitest";
import { insertConnection, readEnvelope, signUserToken, startTestApp } from "./testing.ts";

const { url, db } = await startTestApp();

async function call(method: string, path: string, org: string, user = "u1") {
  const response = await fetch(`${url}/api/v1/shopify${path}`, {
    method,
    headers: { authorization: await signUserToken({ org, sub: user }) },
  });
  return { status: response.status, body: await readEnvelope(response) };
}

/** A job row of the organisation's connection, `minutes` old, as a worker left it. */
async function insertJob(
  connectionId: string,
  org: string,
  job: { type?: string; status: string; minutes?: number },
) {
  const result = await db.pool.query<{ id: string }>(
    `INSERT INTO shopify_sync_jobs (organization_id, connection_id, type, status, requested_by, created_at)
     VALUES ($1, $2, $3, $4, 'test', now() - make_interval(mins => $5)) RETURNING id`,
    [org, connectionId, job.type ?? "full_sync", job.status, job.minutes ?? 0],
  );
  return result.rows[0]?.id as string;
}

const graphileJob = async (key: string) =>
  (await db.pool.query("SELECT key FROM graphile_worker.jobs WHERE key = $1", [key])).rows;

describe("GET /api/v1/shopify/jobs", () => {
  it("pages through the organisation's jobs newest first, and nobody else's", async () => {
    const connectionId = await insertConnection(db, "org-list", "list.myshopify.com");
    const ids: string[] = [];
    for (let age = 0; age < 5; age++) {
      ids.push(await insertJob(connectionId, "org-list", { status: "succeeded", minutes: age }));
    }
    const other = await insertConnection(db, "org-other", "other.myshopify.com");
    await insertJob(other, "org-other", { status: "failed" });

    const first = await call("GET", "/jobs?limit=2", "org-list");
    expect(first.status).toBe(200);
    expect(first.body.data.map((job: { id: string }) => job.id)).toEqual(ids.slice(0, 2));
    expect(first.body).toMatchObject({ next: ids[1] });
    expect(first.body.data[0]).toMatchObject({
      type: "full_sync",
      status: "succeeded",
      max_attempts: 5,
    });
    const second = await call("GET", `/jobs?limit=2&before=${ids[1]}`, "org-list");
    expect(second.body.data.map((job: { id: string }) => job.id)).toEqual(ids.slice(2, 4));
    const last = await call("GET", `/jobs?limit=2&before=${ids[3]}`, "org-list");
    expect(last.body).toEqual({ data: [expect.objectContaining({ id: ids[4] })], next: null });
    // The default page holds 20 and ends here.
    expect((await call("GET", "/jobs", "org-list")).body.data).toHaveLength(5);
  });

  it("pages through jobs created within one millisecond", async () => {
    const connectionId = await insertConnection(db, "org-burst", "burst.myshopify.com");
    const inserted = await db.pool.query<{ id: string }>(
      `INSERT INTO shopify_sync_jobs (organization_id, connection_id, type, status, requested_by, created_at)
       SELECT 'org-burst', $1, 'full_sync', 'succeeded', 'test',
              '2026-12-06T10:00:00.123Z'::timestamptz + n * interval '1 microsecond'
       FROM generate_series(1, 3) n ORDER BY n DESC RETURNING id`,
      [connectionId],
    );
    const seen: string[] = [];
    let before = "";
    do {
      const page = (await call("GET", `/jobs?limit=1${before && `&before=${before}`}`, "org-burst"))
        .body as { data: { id: string }[]; next: string | null };
      seen.push(...page.data.map((job) => job.id));
      before = page.next ?? "";
    } while (before);
    expect(seen).toEqual(inserted.rows.map((row) => row.id));
  });

  it("refuses a limit outside 1..100 and an unknown before", async () => {
    for (const limit of ["0", "101", "zwei"]) {
      const answer = await call("GET", `/jobs?limit=${limit}`, "org-limits");
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe("invalid_request");
    }
    expect((await call("GET", "/jobs?limit=100", "org-limits")).body).toEqual({
      data: [],
      next: null,
    });
    const foreign = await insertJob(
      await insertConnection(db, "org-foreign", "foreign.myshopify.com"),
      "org-foreign",
      { status: "queued" },
    );
    for (const before of [foreign, "not-a-job"]) {
      const answer = await call("GET", `/jobs?before=${before}`, "org-limits");
      expect(answer.status).toBe(404);
      expect(answer.body.error?.code).toBe("not_found");
    }
  });
});

describe("POST /api/v1/shopify/jobs/:id/cancel and /retry", () => {
  it("cancels a queued job at once, removing its queue entry; a finished one is a conflict", async () => {
    const connectionId = await insertConnection(db, "org-cancel", "cancel.myshopify.com");
    const sync = await fetch(`${url}/api/v1/shopify/sync`, {
      method: "POST",
      headers: {
        authorization: await signUserToken({ org: "org-cancel", sub: "u1" }),
        "content-type": "application/json",
      },
      body: JSON.stringify({ type: "full" }),
    });
    const { job_id: id } = (await readEnvelope(sync)).data;
    expect(await graphileJob(id)).toHaveLength(1);
    const cancelled = await call("POST", `/jobs/${id}/cancel`, "org-cancel", "u2");
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data).toMatchObject({
      id,
      status: "cancelled",
      finished_at: expect.any(String),
    });
    expect(await graphileJob(id)).toEqual([]);
    const again = await call("POST", `/jobs/${id}/cancel`, "org-cancel", "u2");
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "job_conflict", message: expect.any(String) });
    const succeeded = await insertJob(connectionId, "org-cancel", { status: "succeeded" });
    expect((await call("POST", `/jobs/${succeeded}/cancel`, "org-cancel", "u3")).status).toBe(409);
    // Another organisation's job is not found, and stays as it is.
    const foreign = await insertJob(connectionId, "org-cancel", {
      status: "queued",
      type: "inventory_push",
    });
    expect((await call("POST", `/jobs/${foreign}/cancel`, "org-list", "u4")).status).toBe(404);
    expect((await call("GET", `/jobs/${foreign}`, "org-cancel", "u4")).body.data.status).toBe(
      "queued",
    );
  });

  it("queues a failed or cancelled job again as a new job, without quota; a queued one of that type is the answer", async () => {
    const connectionId = await insertConnection(db, "org-retry", "retry.myshopify.com");
    await db.pool.query(
      `INSERT INTO plan_usage (organization_id, day, manual_syncs) VALUES ('org-retry', (now() AT TIME ZONE 'utc')::date, 3)`,
    );
    const failed = await insertJob(connectionId, "org-retry", { status: "failed" });
    const retried = await call("POST", `/jobs/${failed}/retry`, "org-retry", "u1");
    expect(retried.status).toBe(200);
    expect(retried.body.data).toMatchObject({ type: "full_sync", status: "queued", attempts: 0 });
    expect(retried.body.data.id).not.toBe(failed);
    expect(await graphileJob(retried.body.data.id)).toHaveLength(1);
    const cancelled = await insertJob(connectionId, "org-retry", { status: "cancelled" });
    const same = await call("POST", `/jobs/${cancelled}/retry`, "org-retry", "u2");
    expect(same.body.data.id).toBe(retried.body.data.id);
    // Only finished jobs that did not succeed can be retried.
    const conflict = await call("POST", `/jobs/${retried.body.data.id}/retry`, "org-retry", "u3");
    expect(conflict.status).toBe(409);
    expect(conflict.body.error?.code).toBe("job_conflict");
    const usage = await db.pool.query(
      "SELECT manual_syncs FROM plan_usage WHERE organization_id = 'org-retry'",
    );
    expect(usage.rows).toEqual([{ manual_syncs: 3 }]);
    await db.pool.query("UPDATE shopify_connections SET status = 'disconnected' WHERE id = $1", [
      connectionId,
    ]);
    const disconnected = await call("POST", `/jobs/${failed}/retry`, "org-retry", "u4");
    expect(disconnected.status).toBe(409);
    expect(disconnected.body.error?.code).toBe("shopify_not_connected");
  });

  it("counts retry and cancel against the sync rate limit of the user", async () => {
    const connectionId = await insertConnection(db, "org-limit", "limit.myshopify.com");
    const failed = await insertJob(connectionId, "org-limit", { status: "succeeded" });
    const statuses: number[] = [];
    for (const action of ["retry", "cancel", "retry", "cancel"]) {
      statuses.push((await call("POST", `/jobs/${failed}/${action}`, "org-limit", "busy")).status);
    }
    expect(statuses).toEqual([409, 409, 409, 429]);
  });
});
