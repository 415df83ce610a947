import type { Database } from "@roestify/db";
import { describe, expect, it } from "vitest";
import { insertConnection, noRows, readEnvelope, signUserToken, startTestApp } from "./testing.ts";

const { url, db } = await startTestApp();

async function requestSync(org: string, user: string, body: unknown) {
  const response = await fetch(`${url}/api/v1/shopify/sync`, {
    method: "POST",
    headers: {
      authorization: await signUserToken({ org, sub: user }),
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await readEnvelope(response) };
}

/** The job leaves the queue (as if a worker ran it), so the next request queues a new one. */
const finishJobs = (database: Database, org: string) =>
  database.pool.query(
    "UPDATE shopify_sync_jobs SET status = 'succeeded' WHERE organization_id = $1",
    [org],
  );

describe("POST /api/v1/shopify/sync", () => {
  it("checks validation before the connection", async () => {
    expect((await requestSync("org-none", "u1", { type: "sometimes" })).status).toBe(400);
    const invalid = await requestSync("org-none", "u2", {});
    expect(invalid.body.error).toMatchObject({
      code: "invalid_request",
      details: expect.any(Array),
    });
    const notConnected = await requestSync("org-none", "u3", { type: "full" });
    expect(notConnected.status).toBe(409);
    expect(notConnected.body.error?.code).toBe("shopify_not_connected");
  });

  it("queues a job with the German message, and a graphile-worker job with 5 attempts", async () => {
    const connectionId = await insertConnection(db, "org-queue", "queue.myshopify.com");
    const full = await requestSync("org-queue", "u1", { type: "full" });
    expect(full.status).toBe(200);
    expect(full.body.data).toEqual({
      job_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: "full",
      status: "queued",
      message: "Vollsync wurde eingeplant",
    });
    const incremental = await requestSync("org-queue", "u1", { type: "incremental" });
    expect(incremental.body.data.message).toBe("Inkrementeller Sync wurde eingeplant");
    const rows = await db.pool.query(
      `SELECT j.id, j.type, j.status, j.requested_by, g.task_identifier, g.max_attempts
       FROM shopify_sync_jobs j JOIN graphile_worker.jobs g ON g.key = j.id::text
       WHERE j.connection_id = $1 ORDER BY j.created_at`,
      [connectionId],
    );
    expect(rows.rows).toEqual([
      {
        id: full.body.data.job_id,
        type: "full_sync",
        status: "queued",
        requested_by: "user:u1",
        task_identifier: "full_sync",
        max_attempts: 5,
      },
      expect.objectContaining({ type: "incremental_sync", task_identifier: "incremental_sync" }),
    ]);
  });

  it("returns the queued job of the same type again and uses no quota for it", async () => {
    await insertConnection(db, "org-dedupe", "dedupe.myshopify.com");
    const first = await requestSync("org-dedupe", "u1", { type: "full" });
    const second = await requestSync("org-dedupe", "u2", { type: "full" });
    expect(second.body.data.job_id).toBe(first.body.data.job_id);
    const usage = await db.pool.query(
      "SELECT manual_syncs FROM plan_usage WHERE organization_id = 'org-dedupe'",
    );
    expect(usage.rows).toEqual([{ manual_syncs: 1 }]);
  });

  it("allows the free plan 3 manual syncs a day, then 402 with limit, used and resets_at", async () => {
    await insertConnection(db, "org-quota", "quota.myshopify.com");
    for (const user of ["a", "b", "c"]) {
      expect((await requestSync("org-quota", user, { type: "full" })).status).toBe(200);
      await finishJobs(db, "org-quota");
    }
    const refused = await requestSync("org-quota", "d", { type: "full" });
    expect(refused.status).toBe(402);
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    expect(refused.body.error).toMatchObject({
      code: "plan_limit_reached",
      details: { limit: 3, used: 3, resets_at: midnight.toISOString() },
    });
  });

  it("answers a queued job with 200 even when the quota is used up", async () => {
    await insertConnection(db, "org-used", "used.myshopify.com");
    await db.pool.query(
      "INSERT INTO plan_usage VALUES ('org-used', (now() AT TIME ZONE 'UTC')::date, 2)",
    );
    const queued = await requestSync("org-used", "a", { type: "full" });
    expect(queued.status).toBe(200);
    const again = await requestSync("org-used", "b", { type: "full" });
    expect(again.status).toBe(200);
    expect(again.body.data.job_id).toBe(queued.body.data.job_id);
    expect((await requestSync("org-used", "c", { type: "incremental" })).status).toBe(402);
  });

  it("lets only one of two concurrent requests take the last slot", async () => {
    await insertConnection(db, "org-race", "race.myshopify.com");
    await db.pool.query(
      "INSERT INTO plan_usage VALUES ('org-race', (now() AT TIME ZONE 'UTC')::date, 2)",
    );
    const results = await Promise.all([
      requestSync("org-race", "a", { type: "full" }),
      requestSync("org-race", "b", { type: "incremental" }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 402]);
  });

  it("counts pro plans to 30 and business plans not at all", async () => {
    await insertConnection(db, "org-biz", "biz.myshopify.com");
    await db.pool.query("UPDATE organizations SET plan = 'business' WHERE id = 'org-biz'");
    await db.pool.query(
      "INSERT INTO plan_usage VALUES ('org-biz', (now() AT TIME ZONE 'UTC')::date, 1000)",
    );
    expect((await requestSync("org-biz", "a", { type: "full" })).status).toBe(200);
    await insertConnection(db, "org-pro", "pro.myshopify.com");
    await db.pool.query("UPDATE organizations SET plan = 'pro' WHERE id = 'org-pro'");
    await db.pool.query(
      "INSERT INTO plan_usage VALUES ('org-pro', (now() AT TIME ZONE 'UTC')::date, 30)",
    );
    const refused = await requestSync("org-pro", "a", { type: "full" });
    expect(refused.body.error?.details).toMatchObject({ limit: 30, used: 30 });
  });

  it("allows 3 requests per 2 minutes per user, then 429", async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await requestSync("org-none", "rl", {})).status);
    expect(statuses).toEqual([400, 400, 400, 429]);
  });
});

describe("GET /api/v1/shopify/jobs/:id", () => {
  const getJob = async (org: string, id: string) => {
    const response = await fetch(`${url}/api/v1/shopify/jobs/${id}`, {
      headers: { authorization: await signUserToken({ org, sub: "viewer" }) },
    });
    return { status: response.status, body: await readEnvelope(response) };
  };

  it("shows a job of the organisation in the contract's shape", async () => {
    await insertConnection(db, "org-jobs", "jobs.myshopify.com");
    const queued = await requestSync("org-jobs", "u1", { type: "incremental" });
    const { status, body } = await getJob("org-jobs", queued.body.data.job_id);
    expect(status).toBe(200);
    expect(body.data).toEqual({
      id: queued.body.data.job_id,
      type: "incremental_sync",
      status: "queued",
      attempts: 0,
      max_attempts: 5,
      progress: {},
      last_error: null,
      created_at: expect.stringMatching(/Z$/),
      started_at: null,
      finished_at: null,
      rows_written: noRows,
    });
  });

  it("answers 404 for another organisation's job and for ids that are not ids", async () => {
    await insertConnection(db, "org-private", "private.myshopify.com");
    const queued = await requestSync("org-private", "u1", { type: "full" });
    expect((await getJob("org-other", queued.body.data.job_id)).status).toBe(404);
    expect((await getJob("org-other", "not-a-uuid")).body.error?.code).toBe("not_found");
  });
});

describe("PATCH /api/v1/shopify/connection", () => {
  const patch = async (org: string, body: unknown) => {
    const response = await fetch(`${url}/api/v1/shopify/connection`, {
      method: "PATCH",
      headers: {
        authorization: await signUserToken({ org }),
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await readEnvelope(response) };
  };

  it("chooses one of the synced locations", async () => {
    await insertConnection(db, "org-loc", "loc.myshopify.com");
    const { status, body } = await patch("org-loc", {
      inventory_location_id: "gid://shopify/Location/102",
    });
    expect(status).toBe(200);
    expect(body.data).toMatchObject({
      shop: "loc.myshopify.com",
      status: "active",
      inventory_location_id: "gid://shopify/Location/102",
      locations: [
        { id: "gid://shopify/Location/101", name: "Rösterei", is_primary: true },
        { id: "gid://shopify/Location/102", name: "Lager Nord", is_primary: false },
      ],
    });
  });

  it("refuses unknown locations, malformed ids and organisations without a connection", async () => {
    await insertConnection(db, "org-loc2", "loc2.myshopify.com");
    const unknown = await patch("org-loc2", {
      inventory_location_id: "gid://shopify/Location/999",
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.code).toBe("invalid_request");
    expect((await patch("org-loc2", { inventory_location_id: "101" })).status).toBe(400);
    const none = await patch("org-none", { inventory_location_id: "gid://shopify/Location/1" });
    expect(none.status).toBe(409);
  });
});
