import type { Queryable } from "@roestify/db";
import { skuMappingSql } from "./mapping.ts";

const mappedForConnection = `${skuMappingSql("(SELECT organization_id FROM shopify_connections WHERE id = $1)")}`;

/** The mirrored line items of the connection's orders matching `filter`, with the variant each sold. */
const lineItems = (orders: string, filter: string) => `
  SELECT line->>'id' AS line_id, (line->>'variant_id')::bigint AS variant_id,
         (line->>'quantity')::int AS quantity, o.processed_at, o.cancelled_at
  FROM ${orders} o, jsonb_array_elements(o.line_items) AS line
  WHERE ${filter}`;

const movementColumns =
  "(organization_id, inventory_item_id, kind, delta, source_ref, occurred_at)";

/**
 * Brings Shopify's view into Roestify's stock ledger after a sync of the connection, set-based and
 * idempotent (every movement has a unique source reference, so re-running adds nothing):
 * 1. every mirrored variant SKU becomes a Roestify SKU;
 * 2. a SKU mapped for the first time adopts Shopify's available quantity at the inventory
 *    location as its opening balance (what was packaged before comes on top), so connecting never
 *    changes a live shop's quantities. The orders Shopify already counted in that quantity are
 *    booked with a zero delta, so they are never deducted again;
 * 3. every line item of an order written since the last booking (`ledger_pending_orders`) lowers the
 *    SKU's stock, and a cancellation gives it back; so each sync books only the orders it wrote.
 * Each statement is atomic and the sequence can stop anywhere: the next run takes up what is left.
 */
export async function applyShopifyToLedger(db: Queryable, connectionId: string): Promise<void> {
  await db.query(
    `INSERT INTO inventory_items (organization_id, sku, title)
     SELECT DISTINCT ON (v.sku) c.organization_id, v.sku, p.title || ' – ' || v.title
     FROM shopify_product_variants v
     JOIN shopify_connections c ON c.id = v.connection_id
     LEFT JOIN shopify_products p ON p.connection_id = v.connection_id AND p.shopify_id = v.product_id
     WHERE v.connection_id = $1 AND v.sku IS NOT NULL AND v.sku <> ''
     ORDER BY v.sku, v.shopify_id
     ON CONFLICT (organization_id, sku) DO NOTHING`,
    [connectionId],
  );
  await db.query(
    `WITH mapped AS (${mappedForConnection}),
     opened AS (
       INSERT INTO inventory_movements ${movementColumns}
       SELECT m.organization_id, m.item_id, 'opening_balance', l.available,
              'opening_balance:' || m.item_id, now()
       FROM mapped m
       JOIN shopify_inventory_levels l ON l.connection_id = $1
         AND l.inventory_item_id = m.inventory_item_id AND l.location_id = m.location_id
       WHERE m.variant_id IS NOT NULL
       ON CONFLICT (organization_id, source_ref) DO NOTHING
       RETURNING organization_id, inventory_item_id
     ),
     counted AS (
       SELECT o.organization_id, o.inventory_item_id, l.line_id, l.cancelled_at
       FROM opened o
       JOIN mapped m ON m.item_id = o.inventory_item_id
       -- Evaluated once: without new opening balances, no line item is read.
       JOIN (${lineItems("shopify_orders", "o.connection_id = $1 AND EXISTS (SELECT 1 FROM opened)")}) l
         ON l.variant_id = m.variant_id
     )
     INSERT INTO inventory_movements ${movementColumns}
     SELECT organization_id, inventory_item_id, 'shopify_order', 0, 'shopify_order:' || line_id, now()
     FROM counted
     UNION ALL
     SELECT organization_id, inventory_item_id, 'shopify_order_cancelled', 0,
            'shopify_order_cancelled:' || line_id, now()
     FROM counted WHERE cancelled_at IS NOT NULL
     ON CONFLICT (organization_id, source_ref) DO NOTHING`,
    [connectionId],
  );
  await db.query(
    `WITH booked AS (
       DELETE FROM ledger_pending_orders WHERE connection_id = $1 RETURNING order_id
     ),
     pending AS (
       SELECT o.line_items, o.processed_at, o.cancelled_at
       FROM booked b JOIN shopify_orders o ON o.connection_id = $1 AND o.shopify_id = b.order_id
     ),
     -- The SKUs with an opening balance, found once per SKU rather than once per line item.
     opened AS MATERIALIZED (
       SELECT m.organization_id, m.item_id, m.variant_id
       FROM (${mappedForConnection}) m
       WHERE m.variant_id IS NOT NULL AND EXISTS (
         SELECT 1 FROM inventory_movements x
         WHERE x.inventory_item_id = m.item_id AND x.kind = 'opening_balance')
     ),
     sold AS (
       SELECT o.organization_id, o.item_id, l.*
       FROM opened o
       JOIN (${lineItems("pending", "true")}) l ON l.variant_id = o.variant_id
     )
     INSERT INTO inventory_movements ${movementColumns}
     SELECT organization_id, item_id, 'shopify_order', -quantity, 'shopify_order:' || line_id,
            coalesce(processed_at, now())
     FROM sold
     UNION ALL
     SELECT organization_id, item_id, 'shopify_order_cancelled', quantity,
            'shopify_order_cancelled:' || line_id, cancelled_at
     FROM sold WHERE cancelled_at IS NOT NULL
     ON CONFLICT (organization_id, source_ref) DO NOTHING`,
    [connectionId],
  );
}
