import type { Database } from "@roestify/db";
import { webhookTask } from "../job-types.ts";

/** A delivery whose signature was checked, as the route read it. */
export interface WebhookDelivery {
  /** `X-Shopify-Event-Id`, or without one `X-Shopify-Webhook-Id`: what repeats deduplicate on. */
  eventId: string;
  webhookId: string;
  topic: string;
  shop: string;
  apiVersion: string;
  triggeredAt: Date | null;
  payload: unknown;
}

/** Attempts of the processing job: Shopify itself gives up on a delivery after 8 tries. */
const processingAttempts = 8;

/**
 * Stores a delivery (one row per event id) and queues its processing, in one statement (one
 * round trip, atomic). Returns false for an event accepted before: Shopify delivers at least
 * once, in any order.
 */
export async function acceptWebhook(db: Database, delivery: WebhookDelivery): Promise<boolean> {
  const accepted = await db.pool.query(
    `WITH stored AS (
       INSERT INTO shopify_webhook_events
         (event_id, webhook_id, topic, shop, api_version, triggered_at, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (event_id) DO NOTHING
       RETURNING id
     )
     SELECT graphile_worker.add_job($8, json_build_object('webhookEventId', id::text),
              max_attempts := $9, job_key := 'webhook:' || id::text)
     FROM stored`,
    [
      delivery.eventId,
      delivery.webhookId,
      delivery.topic,
      delivery.shop,
      delivery.apiVersion,
      delivery.triggeredAt,
      JSON.stringify(delivery.payload),
      webhookTask,
      processingAttempts,
    ],
  );
  return accepted.rowCount === 1;
}
