import type { Queryable } from "@roestify/db";

/**
 * How the Roestify SKUs of an organisation (given as an SQL expression) map to the mirrored
 * variants of its active connection, one row per mapped variant (a SKU without one: one row,
 * `variant_id` null). An explicit list `shopify_variant_ids` wins; else every variant with
 * exactly that SKU (case-sensitive) shares the SKU's stock.
 */
export const skuMappingSql = (organization: string) => `
  SELECT i.id AS item_id, i.organization_id, i.sku, c.id AS connection_id,
         c.inventory_location_id AS location_id, c.inventory_push_enabled AS push_enabled,
         v.shopify_id AS variant_id, v.inventory_item_id
  FROM inventory_items i
  LEFT JOIN shopify_connections c ON c.organization_id = i.organization_id AND c.status = 'active'
  -- Two index-backed lookups: one join condition choosing between them would be a nested loop
  -- over every SKU × every variant.
  LEFT JOIN LATERAL (
    SELECT e.shopify_id, e.inventory_item_id FROM shopify_product_variants e
    WHERE e.connection_id = c.id AND e.shopify_id = ANY (i.shopify_variant_ids)
    UNION ALL
    SELECT s.shopify_id, s.inventory_item_id FROM shopify_product_variants s
    WHERE i.shopify_variant_ids IS NULL AND s.connection_id = c.id AND s.sku = i.sku
  ) v ON true
  WHERE i.organization_id = ${organization}`;

export interface SkuMapping {
  connection_id: string | null;
  push_enabled: boolean | null;
  variant_ids: string[];
}

/** The connection and mapped variants of one Roestify SKU. */
export async function skuMapping(
  db: Queryable,
  organizationId: string,
  itemId: string,
): Promise<SkuMapping> {
  const result = await db.query<SkuMapping>(
    `SELECT min(m.connection_id::text) AS connection_id, bool_and(m.push_enabled) AS push_enabled,
            coalesce(array_agg(m.variant_id ORDER BY m.variant_id)
                     FILTER (WHERE m.variant_id IS NOT NULL), '{}') AS variant_ids
     FROM (${skuMappingSql("$1")}) m WHERE m.item_id = $2`,
    [organizationId, itemId],
  );
  return result.rows[0] as SkuMapping;
}
