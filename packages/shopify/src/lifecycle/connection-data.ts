import { type Queryable, typed } from "@roestify/db";
import { scrubOrderAssignments } from "./redacted-customers.ts";

/**
 * The connection ends: `disconnected`, its tokens gone (nothing can be sent to the shop any
 * more). Its mirrors stay until shop/redact or a purge. The caller cancels its jobs.
 */
export async function markDisconnected(db: Queryable, connectionId: string): Promise<void> {
  await db.query(
    `UPDATE shopify_connections
     SET status = 'disconnected', access_token_encrypted = NULL, access_token_expires_at = NULL,
         refresh_token_encrypted = NULL, refresh_token_expires_at = NULL, updated_at = now()
     WHERE id = $1`,
    [connectionId],
  );
}

/**
 * Deletes everything kept for the connection's shop (shop/redact, a disconnect with purge): the
 * connection with its mirrors, locations, cursors, jobs and data requests (all cascade), and the
 * bodies of its shop's stored webhook events up to `until`. Resolves to the organisation whose
 * connection it was (null when there was none), whose SKUs the caller unmaps.
 */
export async function purgeConnection(
  db: Queryable,
  connectionId: string,
  until: Date,
): Promise<string | null> {
  const connection = await typed(db)
    .deleteFrom("shopify_connections")
    .where("id", "=", connectionId)
    .returning(["organization_id", "shop"])
    .executeTakeFirst();
  if (!connection) return null;
  await db.query(
    `UPDATE shopify_webhook_events SET payload = NULL
     WHERE shop = $1 AND payload IS NOT NULL AND coalesce(triggered_at, received_at) <= $2`,
    [connection.shop, until],
  );
  return connection.organization_id;
}

/**
 * customers/redact: the customer's row goes; in the listed orders and in every other mirrored
 * order of that customer the personal data goes from every column and from `raw`. The orders
 * stay (the roastery's bookkeeping needs them). The customer stays recorded as redacted, so no
 * later sync brings their data back (`redactionOnWrite`).
 */
export async function redactCustomer(
  db: Queryable,
  connectionId: string,
  request: { customerId: string; orderIds: string[] },
): Promise<{ orders: number }> {
  await db.query(
    `INSERT INTO shopify_redacted_customers (connection_id, customer_id) VALUES ($1, $2)
     ON CONFLICT DO NOTHING`,
    [connectionId, request.customerId],
  );
  await db.query("DELETE FROM shopify_customers WHERE connection_id = $1 AND shopify_id = $2", [
    connectionId,
    request.customerId,
  ]);
  const orders = await db.query(
    `UPDATE shopify_orders SET ${scrubOrderAssignments}
     WHERE connection_id = $1 AND (customer_id = $2 OR shopify_id = ANY($3::bigint[]))`,
    [connectionId, request.customerId, request.orderIds],
  );
  return { orders: orders.rowCount ?? 0 };
}

/**
 * customers/data_request: what is mirrored about the customer (their row and the requested
 * orders, as stored).
 */
export async function exportCustomerData(
  db: Queryable,
  connectionId: string,
  request: { customerId: string; orderIds: string[] },
) {
  const customer = await db.query<{ row: object }>(
    `SELECT to_jsonb(c) - 'connection_id' AS row FROM shopify_customers c
     WHERE connection_id = $1 AND shopify_id = $2`,
    [connectionId, request.customerId],
  );
  const orders = await db.query<{ row: object }>(
    `SELECT to_jsonb(o) - 'connection_id' - 'ledger_seq' - 'cancel_seq' AS row FROM shopify_orders o
     WHERE connection_id = $1 AND shopify_id = ANY($2::bigint[]) ORDER BY shopify_id`,
    [connectionId, request.orderIds],
  );
  return { customer: customer.rows[0]?.row ?? null, orders: orders.rows.map((order) => order.row) };
}
