import type { Columns, Queryable } from "@roestify/db";
import { processMetrics } from "@roestify/shopify";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { jobTypes } from "./job-types.ts";

/** How long a job's attempts ran, by type and how the attempt ended; per process. */
export const jobDuration = new Histogram({
  name: "roestify_sync_job_duration_seconds",
  help: "Duration of job attempts by type and outcome (succeeded, failed, retried, cancelled, interrupted)",
  labelNames: ["type", "outcome"] as const,
  buckets: [0.5, 2, 10, 30, 60, 300, 900, 3600, 4 * 3600],
  registers: [processMetrics],
});

const endedStatuses = ["succeeded", "failed", "cancelled"] as const;

type JobsCounted = Columns<"shopify_sync_jobs", "type" | "status"> & { count: number };

/**
 * The figures of shared state, read from the database at each scrape so that every process
 * reports the same: jobs that ended, the queue, connections, webhooks, SKUs in conflict.
 */
async function sharedMetrics(db: Queryable): Promise<Registry> {
  const registry = new Registry();
  const [ended, queue, connections, conflicts, webhookTable] = await Promise.all([
    db.query<JobsCounted>(
      `SELECT type, status, count(*)::float8 AS count FROM shopify_sync_jobs
       WHERE status IN ('succeeded', 'failed', 'cancelled') GROUP BY type, status`,
    ),
    db.query<JobsCounted & { age: number }>(
      `SELECT type, status, count(*)::float8 AS count,
              extract(epoch FROM now() - min(created_at))::float8 AS age
       FROM shopify_sync_jobs WHERE status IN ('queued', 'running') GROUP BY type, status`,
    ),
    db.query<Columns<"shopify_connections", "status"> & { count: number; oldest: number | null }>(
      `SELECT status, count(*)::float8 AS count,
              extract(epoch FROM now() - min(coalesce(last_synced_at, connected_at)))::float8 AS oldest
       FROM shopify_connections GROUP BY status`,
    ),
    db.query<{ count: number }>(
      "SELECT count(*)::float8 AS count FROM inventory_items WHERE push_status = 'conflict'",
    ),
    db.query<{ present: boolean }>(
      "SELECT to_regclass('shopify_webhook_events') IS NOT NULL AS present",
    ),
  ]);

  const jobsTotal = new Counter({
    name: "roestify_sync_jobs_total",
    help: "Jobs that ended, by type and status (from the database)",
    labelNames: ["type", "status"] as const,
    registers: [registry],
  });
  for (const type of jobTypes)
    for (const status of endedStatuses) jobsTotal.inc({ type, status }, 0);
  for (const row of ended.rows) jobsTotal.inc({ type: row.type, status: row.status }, row.count);

  const depth = new Gauge({
    name: "roestify_sync_jobs_queue_depth",
    help: "Jobs waiting or running, by type and state (from the database)",
    labelNames: ["type", "state"] as const,
    registers: [registry],
  });
  const age = new Gauge({
    name: "roestify_sync_jobs_oldest_age_seconds",
    help: "Age of the oldest job waiting or running, by type and state (from the database)",
    labelNames: ["type", "state"] as const,
    registers: [registry],
  });
  for (const type of jobTypes) {
    for (const state of ["queued", "running"]) {
      depth.set({ type, state }, 0);
      age.set({ type, state }, 0);
    }
  }
  for (const row of queue.rows) {
    depth.set({ type: row.type, state: row.status }, row.count);
    age.set({ type: row.type, state: row.status }, row.age);
  }

  const connectionCount = new Gauge({
    name: "roestify_shopify_connections",
    help: "Shopify connections by status (from the database)",
    labelNames: ["status"] as const,
    registers: [registry],
  });
  const staleness = new Gauge({
    name: "roestify_shopify_sync_staleness_seconds",
    help: "Time since the least recently synced active connection was last synced (from the database)",
    registers: [registry],
  });
  staleness.set(0);
  for (const status of ["active", "reauth_required", "disconnected"]) {
    connectionCount.set({ status }, 0);
  }
  for (const row of connections.rows) {
    connectionCount.set({ status: row.status }, row.count);
    if (row.status === "active") staleness.set(row.oldest ?? 0);
  }

  new Gauge({
    name: "roestify_inventory_items_in_conflict",
    help: "Roestify SKUs whose push is in conflict (from the database)",
    registers: [registry],
  }).set(conflicts.rows[0]?.count ?? 0);

  const webhooks = new Counter({
    name: "roestify_webhooks_received_total",
    help: "Webhook deliveries accepted, by topic (from the database)",
    labelNames: ["topic"] as const,
    registers: [registry],
  });
  // The webhook table comes with the webhooks; until then the family has no samples.
  if (webhookTable.rows[0]?.present) {
    const topics = await db.query<Columns<"shopify_webhook_events", "topic"> & { count: number }>(
      "SELECT topic, count(*)::float8 AS count FROM shopify_webhook_events GROUP BY topic",
    );
    for (const row of topics.rows) webhooks.inc({ topic: row.topic }, row.count);
  }
  return registry;
}

/** The Prometheus exposition of this process plus the shared figures. */
export async function renderMetrics(db: Queryable) {
  const registry = Registry.merge([processMetrics, await sharedMetrics(db)]);
  return { contentType: registry.contentType, body: await registry.metrics() };
}
