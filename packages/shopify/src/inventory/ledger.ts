import type { Queryable } from "@roestify/db";
import { skuMappingSql } from "./mapping.ts";

/**
 * Brings Shopify's view into Roestify's stock ledger after a sync of the connection, set-based and
 * idempotent (every movement has a unique source reference, so re-running adds nothing):
 * 1. every mirrored variant SKU becomes a Roestify SKU;
 * 2. a mapped SKU without movements adopts Shopify's available quantity at the inventory location
 *    as its opening balance, so connecting never changes a live shop's quantities;
 * 3. line items of orders processed after a SKU's opening balance lower its stock; a cancelled
 *    order gives it back.
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
    `WITH mapped AS (${mappingForConnection})
     INSERT INTO inventory_movements (organization_id, inventory_item_id, kind, delta, source_ref, occurred_at)
     SELECT m.organization_id, m.item_id, 'opening_balance', l.available,
            'opening_balance:' || m.item_id, now()
     FROM mapped m
     JOIN shopify_inventory_levels l ON l.connection_id = $1
       AND l.inventory_item_id = m.inventory_item_id AND l.location_id = m.location_id
     WHERE m.variant_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM inventory_movements x WHERE x.inventory_item_id = m.item_id)
     ON CONFLICT (organization_id, source_ref) DO NOTHING`,
    [connectionId],
  );
  await db.query(
    `WITH mapped AS (${mappingForConnection}),
     opening AS (
       SELECT m.organization_id, m.item_id, m.variant_id, x.occurred_at AS since
       FROM mapped m JOIN inventory_movements x
         ON x.inventory_item_id = m.item_id AND x.kind = 'opening_balance'
       WHERE m.variant_id IS NOT NULL
     ),
     lines AS (
       SELECT o.shopify_id AS order_id, o.processed_at, o.cancelled_at, line
       FROM shopify_orders o, jsonb_array_elements(o.line_items) AS line
       WHERE o.connection_id = $1
     ),
     sold AS (
       SELECT op.organization_id, op.item_id, l.order_id, l.cancelled_at,
              line->>'id' AS line_id, (line->>'quantity')::int AS quantity, l.processed_at
       FROM lines l JOIN opening op ON (l.line->>'variant_id')::bigint = op.variant_id
       WHERE l.processed_at > op.since
     )
     INSERT INTO inventory_movements (organization_id, inventory_item_id, kind, delta, source_ref, occurred_at)
     SELECT organization_id, item_id, 'shopify_order', -quantity,
            'shopify_order:' || line_id, processed_at FROM sold
     UNION ALL
     SELECT organization_id, item_id, 'shopify_order_cancelled', quantity,
            'shopify_order_cancelled:' || line_id, cancelled_at FROM sold WHERE cancelled_at IS NOT NULL
     ON CONFLICT (organization_id, source_ref) DO NOTHING`,
    [connectionId],
  );
}

const mappingForConnection = `${skuMappingSql("(SELECT organization_id FROM shopify_connections WHERE id = $1)")}`;
