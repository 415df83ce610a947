import { type Columns, type ConnectionStatus, type Queryable, transaction } from "@roestify/db";
import type { Services } from "@roestify/runtime";
import { changeTopics, exportCustomerData, redactCustomer } from "@roestify/shopify";
import { z } from "zod";
import { enqueueJob } from "../enqueue.ts";
import { endConnection, purgeShop } from "./disconnect.ts";

type StoredEvent = Columns<
  "shopify_webhook_events",
  "id" | "event_id" | "topic" | "shop" | "triggered_at" | "received_at" | "payload" | "processed_at"
>;

/** A connection of the event's shop that existed when the event happened. */
type EventConnection = Columns<
  "shopify_connections",
  "id" | "organization_id" | "status",
  { status: ConnectionStatus }
>;

interface TopicContext {
  tx: Queryable;
  services: Services;
  event: StoredEvent;
  /** When the event happened: `X-Shopify-Triggered-At`, else when it arrived. */
  at: Date;
  /** The shop's connections made before the event (the ones it is about). */
  connections: EventConnection[];
}

type TopicHandler = (context: TopicContext) => Promise<void>;

/** Whether a stored body (`e`) is about the customer (an SQL expression of their id as text). */
const bodyAboutCustomer = (customerId: string) =>
  `(e.payload->'customer'->>'id' = ${customerId}
    OR (e.topic LIKE 'customers/%' AND e.payload->>'id' = ${customerId}))`;

/** An incremental sync runs this soon after a change at the earliest. */
const changeSyncDelayMs = 1_000;

/**
 * A change of mirrored data: one incremental sync per connection, coalesced. A burst of
 * deliveries joins the sync that is still queued; the next one starts no sooner than
 * WEBHOOK_SYNC_SPACING_SECONDS after the previous one started. A sync is only created once the one
 * before has started, so deliveries over D seconds create at most 2 + (D − 1) / spacing syncs
 * (the first, one per spacing, one for the tail). The sync reads the current state, so
 * duplicate and out-of-order deliveries cannot leave the mirrors wrong. A body about a redacted
 * customer (Shopify may still send their data for a while) is not kept.
 */
const syncChanges: TopicHandler = async ({ tx, services, event, connections }) => {
  for (const connection of connections) {
    await tx.query(
      `UPDATE shopify_webhook_events e SET payload = NULL
       WHERE e.id = $2 AND EXISTS (SELECT 1 FROM shopify_redacted_customers x
         WHERE x.connection_id = $1 AND ${bodyAboutCustomer("x.customer_id::text")})`,
      [connection.id, event.id],
    );
    if (connection.status !== "active") continue;
    const due = await tx.query<{ run_at: Date }>(
      `SELECT greatest(now() + make_interval(secs => $2 / 1000.0),
                       max(started_at) + make_interval(secs => $3)) AS run_at
       FROM shopify_sync_jobs
       WHERE connection_id = $1 AND type IN ('incremental_sync', 'full_sync')`,
      [connection.id, changeSyncDelayMs, services.env.WEBHOOK_SYNC_SPACING_SECONDS],
    );
    await enqueueJob(tx, {
      organizationId: connection.organization_id,
      connectionId: connection.id,
      type: "incremental_sync",
      requestedBy: "webhook",
      runAt: due.rows[0]?.run_at,
    });
  }
};

const customerRequest = z.object({
  customer: z.object({
    id: z.union([z.number(), z.string()]).transform(String),
    email: z.string().nullish(),
  }),
  orders_to_redact: z.array(z.union([z.number(), z.string()]).transform(String)).default([]),
  orders_requested: z.array(z.union([z.number(), z.string()]).transform(String)).default([]),
  data_request: z.object({ id: z.union([z.number(), z.string()]).transform(String) }).optional(),
});

const scopesUpdate = z.object({ current: z.array(z.string()) });

const bulkOperationFinish = z.object({ admin_graphql_api_id: z.string() });

/**
 * What each topic does; a topic not listed is stored and otherwise ignored. Extend here (e.g.
 * refunds that book stock): a handler runs in the transaction that marks the event processed.
 */
const topicHandlers: Record<string, TopicHandler> = {
  ...Object.fromEntries(changeTopics.map((topic) => [topic, syncChanges])),

  async "app/uninstalled"({ tx, connections }) {
    for (const connection of connections) {
      if (connection.status !== "disconnected") await endConnection(tx, connection.id);
    }
  },

  async "shop/redact"({ tx, event, at, connections }) {
    // Shopify sends it 48 hours after an uninstall: an installed connection is a newer install.
    for (const connection of connections) {
      if (connection.status === "disconnected") await purgeShop(tx, connection.id, at);
    }
    // Bodies kept of a shop without a connection (any more) go too.
    await tx.query(
      `UPDATE shopify_webhook_events SET payload = NULL
       WHERE shop = $1 AND payload IS NOT NULL AND coalesce(triggered_at, received_at) <= $2`,
      [event.shop, at],
    );
  },

  async "customers/redact"({ tx, event }) {
    const request = customerRequest.parse(event.payload);
    // Personal data goes wherever it is kept, whenever the connection was made.
    for (const connection of await shopConnections(tx, event.shop)) {
      await redactCustomer(tx, connection.id, {
        customerId: request.customer.id,
        orderIds: request.orders_to_redact,
      });
    }
    // Stored bodies about the customer (this one included) hold their personal data too.
    await tx.query(
      `UPDATE shopify_webhook_events e SET payload = NULL
       WHERE e.shop = $1 AND e.payload IS NOT NULL
         AND (e.id = $2 OR ${bodyAboutCustomer("$3")} OR e.payload->>'email' = $4)`,
      [event.shop, event.id, request.customer.id, request.customer.email ?? null],
    );
  },

  async "customers/data_request"({ tx, event }) {
    const request = customerRequest.parse(event.payload);
    for (const connection of await shopConnections(tx, event.shop)) {
      const exported = await exportCustomerData(tx, connection.id, {
        customerId: request.customer.id,
        orderIds: request.orders_requested,
      });
      await tx.query(
        `INSERT INTO shopify_data_requests
           (organization_id, connection_id, event_id, shopify_request_id, customer_id,
            customer_email, export, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (event_id, connection_id) DO NOTHING`,
        [
          connection.organization_id,
          connection.id,
          event.event_id,
          request.data_request?.id ?? null,
          request.customer.id,
          request.customer.email ?? null,
          exported,
          event.received_at,
        ],
      );
    }
  },

  async "bulk_operations/finish"({ tx, event }) {
    const { admin_graphql_api_id: id } = bulkOperationFinish.parse(event.payload);
    // A sync waiting for this operation polls it at once (delivered when this commits).
    await tx.query("SELECT pg_notify('shopify_bulk_operation_finished', $1)", [id]);
  },

  async "app/scopes_update"({ tx, services, event, connections }) {
    const { current } = scopesUpdate.parse(event.payload);
    const granted = new Set(current);
    // Shopify reports `write_x` without the `read_x` it implies.
    const missing = services.shopify.SHOPIFY_SCOPES.split(",").filter(
      (scope) => !granted.has(scope) && !granted.has(scope.replace(/^read_/, "write_")),
    );
    for (const connection of connections) {
      await tx.query(
        `UPDATE shopify_connections
         SET scopes = $2, updated_at = now(),
             status = CASE WHEN $3 AND status = 'active' THEN 'reauth_required' ELSE status END
         WHERE id = $1`,
        [connection.id, current.join(","), missing.length > 0],
      );
    }
  },
};

/** The shop's connections (made before `before` when given), locked for the transaction. */
async function shopConnections(tx: Queryable, shop: string, before?: Date) {
  const connections = await tx.query<EventConnection>(
    `SELECT id, organization_id, status FROM shopify_connections
     WHERE shop = $1 AND ($2::timestamptz IS NULL OR connected_at <= $2)
     ORDER BY connected_at FOR UPDATE`,
    [shop, before ?? null],
  );
  return connections.rows;
}

/**
 * Processes a stored delivery once: its topic's effect and `processed_at` commit together, so a
 * retry after a failure does it again and a repeat after success does nothing. Only connections
 * that existed when the event happened are touched (a late `app/uninstalled` must not end a
 * fresh install).
 */
export async function processWebhookEvent(services: Services, webhookEventId: string) {
  const { db } = services;
  try {
    await transaction(db.pool, async (tx) => {
      const found = await tx.query<StoredEvent>(
        `SELECT id, event_id, topic, shop, triggered_at, received_at, payload, processed_at
         FROM shopify_webhook_events WHERE id = $1 FOR UPDATE`,
        [webhookEventId],
      );
      const event = found.rows[0];
      if (!event || event.processed_at) return;
      const handler = topicHandlers[event.topic];
      if (handler) {
        const at = event.triggered_at ?? event.received_at;
        const connections = await shopConnections(tx, event.shop, at);
        await handler({ tx, services, event, at, connections });
      }
      await tx.query(
        "UPDATE shopify_webhook_events SET processed_at = now(), error = NULL WHERE id = $1",
        [event.id],
      );
    });
  } catch (error) {
    await db.pool.query("UPDATE shopify_webhook_events SET error = $2 WHERE id = $1", [
      webhookEventId,
      error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 2000) : String(error),
    ]);
    throw error;
  }
}
