import type { Queryable } from "@roestify/db";
import type { Row } from "./mirror-rows.ts";

/**
 * A bulk file's line items wait in a temporary table of the importing session until the whole
 * file is read, because a line item may come in another batch than its order.
 */
export async function createLineItemStaging(db: Queryable): Promise<void> {
  await db.query(
    "CREATE TEMP TABLE IF NOT EXISTS sync_line_items (order_id bigint NOT NULL, item jsonb NOT NULL)",
  );
  await db.query("TRUNCATE pg_temp.sync_line_items");
}

export async function dropLineItemStaging(db: Queryable): Promise<void> {
  await db.query("DROP TABLE IF EXISTS pg_temp.sync_line_items");
}

export async function stageLineItems(db: Queryable, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO pg_temp.sync_line_items (order_id, item)
     SELECT order_id, item FROM jsonb_to_recordset($1::jsonb) AS r(order_id bigint, item jsonb)`,
    [JSON.stringify(rows)],
  );
}

/**
 * Sets `line_items` of the orders this file wrote (synced since `since`) from the staging table;
 * an order the file did not update (a newer version is stored) keeps its own line items.
 */
export async function mergeStagedLineItems(
  db: Queryable,
  connectionId: string,
  since: string,
): Promise<void> {
  await db.query(
    `UPDATE shopify_orders o SET line_items = l.items
     FROM (SELECT order_id, jsonb_agg(item ORDER BY (item->>'id')::bigint) AS items
           FROM pg_temp.sync_line_items GROUP BY order_id) l
     WHERE o.connection_id = $1 AND o.shopify_id = l.order_id AND o.synced_at >= $2::timestamptz`,
    [connectionId, since],
  );
}
