import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { insertConnection, signUserToken, startTestApp } from "./testing.ts";

const { url, db } = await startTestApp();
const connectionId = await insertConnection(db, "org-live", "live.myshopify.com");
await insertConnection(db, "org-other", "other.myshopify.com");

// Every query the app sends, whichever pool or client sends it; the test's own writer is left out.
const writer = new pg.Client({ connectionString: db.url });
await writer.connect();
afterAll(() => writer.end());
let appQueries = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (this !== writer) appQueries++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;
afterAll(() => {
  pg.Client.prototype.query = query;
});

/** An open `shopify.jobChanges` subscription, as the dashboard's EventSource opens it. */
async function subscribe(org: string) {
  const token = (await signUserToken({ org })).replace(/^Bearer /, "");
  const abort = new AbortController();
  const response = await fetch(`${url}/trpc/shopify.jobChanges`, {
    headers: { cookie: `roestify_session=${token}`, accept: "text/event-stream" },
    signal: abort.signal,
  });
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const reader = (response.body as ReadableStream<Uint8Array>)
    .pipeThrough(new TextDecoderStream())
    .getReader();
  const stream = { text: "", close: () => abort.abort() };
  void (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: "" }));
      if (chunk.done) return;
      stream.text += chunk.value;
    }
  })();
  afterAll(() => stream.close());
  return stream;
}

async function until(condition: () => boolean, timeoutMs = 5000) {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Date.now() - start;
}

const insertJob = async (type: "full_sync" | "incremental_sync") =>
  (
    await writer.query<{ id: string }>(
      `INSERT INTO shopify_sync_jobs (organization_id, connection_id, type, requested_by)
       VALUES ('org-live', $1, $2, 'test') RETURNING id`,
      [connectionId, type],
    )
  ).rows[0]?.id as string;

describe("shopify.jobChanges", () => {
  it("brings a job's progress to 100 open pages within 2 s, adding no query per change", async () => {
    const pages = await Promise.all(Array.from({ length: 100 }, () => subscribe("org-live")));
    const other = await subscribe("org-other");
    await until(() => pages.every((page) => page.text.length > 0));
    const jobId = await insertJob("full_sync");
    await until(() => pages.every((page) => page.text.includes(jobId)));

    // The instrument counts what the app sends: one status read is a few queries.
    appQueries = 0;
    const status = await fetch(`${url}/trpc/shopify.status`, {
      headers: { authorization: await signUserToken({ org: "org-live" }) },
    });
    expect(status.status).toBe(200);
    expect(appQueries).toBeGreaterThan(0);
    appQueries = 0;
    const started = Date.now();
    const latencies: number[] = [];
    for (const part of ["products", "orders", "customers"]) {
      await new Promise((resolve) => setTimeout(resolve, 700));
      await writer.query(
        `UPDATE shopify_sync_jobs SET status = 'running', progress = progress || $2 WHERE id = $1`,
        [jobId, { [part]: "importing" }],
      );
      latencies.push(
        await until(() => pages.every((page) => page.text.includes(`"${part}":"importing"`))),
      );
    }
    const seconds = (Date.now() - started) / 1000;
    console.info(
      `job changes: 100 subscriptions, slowest delivery ${Math.max(...latencies)} ms, ` +
        `${appQueries} app queries in ${seconds.toFixed(2)} s`,
    );
    expect(Math.max(...latencies)).toBeLessThan(2000);
    expect(appQueries).toBeLessThanOrEqual(Math.max(1, seconds));
    expect(other.text).not.toContain(jobId);
  });

  it("tells subscribers to read the status again after the listening session was lost", async () => {
    const page = await subscribe("org-live");
    await until(() => page.text.length > 0);
    await writer.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND query = 'LISTEN shopify_sync_jobs'`,
    );
    await until(() => page.text.includes('"resync":true'), 10_000);
    const jobId = await insertJob("incremental_sync");
    await until(() => page.text.includes(jobId));
  });
});
