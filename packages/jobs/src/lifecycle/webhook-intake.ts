import { type Database, transaction } from "@roestify/db";
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
 * Stores a delivery (one row per event id) and queues its processing, in one transaction.
 * Returns false for an event accepted before: Shopify delivers at least once, in any order.
 */
export async function acceptWebhook(db: Database, delivery: WebhookDelivery): Promise<boolean> {
  return transaction(db.pool, async (tx) => {
    const stored = await tx.query<{ id: string }>(
      `INSERT INTO shopify_webhook_events
         (event_id, webhook_id, topic, shop, api_version, triggered_at, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (event_id) DO NOTHING
       RETURNING id`,
      [
        delivery.eventId,
        delivery.webhookId,
        delivery.topic,
        delivery.shop,
        delivery.apiVersion,
        delivery.triggeredAt,
        JSON.stringify(delivery.payload),
      ],
    );
    const id = stored.rows[0]?.id;
    if (!id) return false;
    await tx.query(
      `SELECT graphile_worker.add_job($1, json_build_object('webhookEventId', $2::text),
         max_attempts := $3, job_key := 'webhook:' || $2)`,
      [webhookTask, id, processingAttempts],
    );
    return true;
  });
}
