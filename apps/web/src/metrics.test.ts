import { describe, expect, it } from "vitest";
import { insertConnection, startTestApp } from "./testing.ts";

const metricsToken = "metrics-token-0123456789abcdef0123456789";
const open = await startTestApp();
const guarded = await startTestApp({ METRICS_TOKEN: metricsToken });

const scrape = (url: string, authorization?: string) =>
  fetch(`${url}/metrics`, { headers: authorization ? { authorization } : {} });

/** The samples of one family: `labels → value`. */
function samples(text: string, family: string): Record<string, number> {
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => line.startsWith(`${family}{`) || line.startsWith(`${family} `))
      .map((line) => {
        const [labels, value] = line.slice(family.length).split(/ (?=[^ ]+$)/);
        return [labels as string, Number(value)];
      }),
  );
}

describe("GET /metrics", () => {
  it("counts ended jobs by type and status, the queue and connections from the database", async () => {
    const { db } = open;
    const connectionId = await insertConnection(db, "org-metrics", "metrics.myshopify.com");
    await db.pool.query(
      `INSERT INTO shopify_sync_jobs (organization_id, connection_id, type, status, requested_by, created_at)
       SELECT 'org-metrics', $1, type, status, 'test', now() - interval '90 seconds'
       FROM (VALUES ('full_sync', 'failed'), ('full_sync', 'failed'), ('incremental_sync', 'succeeded'),
                    ('inventory_push', 'cancelled'), ('incremental_sync', 'queued')) AS jobs(type, status)`,
      [connectionId],
    );
    await db.pool.query("UPDATE shopify_connections SET status = 'reauth_required' WHERE id = $1", [
      connectionId,
    ]);
    const response = await scrape(open.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(samples(text, "roestify_sync_jobs_total")).toMatchObject({
      '{type="full_sync",status="failed"}': 2,
      '{type="full_sync",status="succeeded"}': 0,
      '{type="incremental_sync",status="succeeded"}': 1,
      '{type="inventory_push",status="cancelled"}': 1,
    });
    const depth = samples(text, "roestify_sync_jobs_queue_depth");
    expect(depth['{type="incremental_sync",state="queued"}']).toBe(1);
    expect(depth['{type="full_sync",state="running"}']).toBe(0);
    const age = samples(text, "roestify_sync_jobs_oldest_age_seconds");
    expect(age['{type="incremental_sync",state="queued"}']).toBeGreaterThanOrEqual(90);
    expect(samples(text, "roestify_shopify_connections")).toMatchObject({
      '{status="reauth_required"}': 1,
      '{status="active"}': 0,
    });
    // The webhook family is there without samples while no delivery was accepted.
    expect(text).toContain("# TYPE roestify_webhooks_received_total counter");
    expect(samples(text, "roestify_webhooks_received_total")).toEqual({});
    for (const family of [
      "roestify_shopify_requests_total",
      "roestify_shopify_throttle_wait_seconds_total",
      "roestify_bulk_download_bytes_total",
      "roestify_inventory_push_conflicts_total",
      "roestify_inventory_items_in_conflict",
      "roestify_sync_job_duration_seconds",
      "roestify_shopify_sync_staleness_seconds",
    ]) {
      expect(text).toContain(`# TYPE ${family} `);
    }
  });

  it("asks for METRICS_TOKEN when it is set", async () => {
    for (const authorization of [
      undefined,
      "Bearer wrong",
      `Bearer ${metricsToken}x`,
      metricsToken,
    ]) {
      const refused = await scrape(guarded.url, authorization);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: { code: "unauthorized" } });
    }
    expect((await scrape(guarded.url, `Bearer ${metricsToken}`)).status).toBe(200);
  });
});
