import type { Queryable } from "@roestify/db";

/**
 * How the Roestify SKUs of an organisation (given as an SQL expression) map to the mirrored
 * variants of its active connection: an explicit `shopify_variant_id` wins; else the variant with
 * exactly that SKU (case-sensitive). Several candidates are a conflict (`candidates > 1`,
 * `variant_id` null), never a guess.
 */
export const skuMappingSql = (organization: string) => `
  SELECT i.id AS item_id, i.organization_id, i.sku, c.id AS connection_id,
         c.inventory_location_id AS location_id, count(v.shopify_id)::int AS candidates,
         CASE WHEN count(v.shopify_id) = 1 THEN min(v.shopify_id) END AS variant_id,
         CASE WHEN count(v.shopify_id) = 1 THEN min(v.inventory_item_id) END AS inventory_item_id
  FROM inventory_items i
  LEFT JOIN shopify_connections c ON c.organization_id = i.organization_id AND c.status = 'active'
  -- Two index-backed lookups: one join condition choosing between them would be a nested loop
  -- over every SKU × every variant.
  LEFT JOIN LATERAL (
    SELECT e.shopify_id, e.inventory_item_id FROM shopify_product_variants e
    WHERE e.connection_id = c.id AND e.shopify_id = i.shopify_variant_id
    UNION ALL
    SELECT s.shopify_id, s.inventory_item_id FROM shopify_product_variants s
    WHERE i.shopify_variant_id IS NULL AND s.connection_id = c.id AND s.sku = i.sku
  ) v ON true
  WHERE i.organization_id = ${organization}
  GROUP BY i.id, c.id`;

export interface SkuMapping {
  item_id: string;
  organization_id: string;
  sku: string;
  connection_id: string | null;
  location_id: string | null;
  candidates: number;
  variant_id: string | null;
  inventory_item_id: string | null;
}

/** The mapping of one Roestify SKU (PostgreSQL narrows the grouped query to it). */
export async function skuMapping(
  db: Queryable,
  organizationId: string,
  itemId: string,
): Promise<SkuMapping | undefined> {
  const result = await db.query<SkuMapping>(
    `SELECT * FROM (${skuMappingSql("$1")}) m WHERE m.item_id = $2`,
    [organizationId, itemId],
  );
  return result.rows[0];
}

/**
 * Maps a Roestify SKU to a mirrored variant of the organisation's shop explicitly, or back to
 * matching by SKU (`variantId` null); a new mapping is pushed afresh.
 */
export async function mapSku(
  db: Queryable,
  organizationId: string,
  sku: string,
  variantId: string | null,
): Promise<"mapped" | "unknown_variant" | "unknown_sku"> {
  if (variantId) {
    const known = await db.query(
      `SELECT 1 FROM shopify_product_variants v
       JOIN shopify_connections c ON c.id = v.connection_id
       WHERE c.organization_id = $1 AND v.shopify_id = $2`,
      [organizationId, variantId],
    );
    if (!known.rowCount) return "unknown_variant";
  }
  const updated = await db.query(
    `UPDATE inventory_items SET shopify_variant_id = $3, push_status = NULL, push_error = NULL
     WHERE organization_id = $1 AND sku = $2`,
    [organizationId, sku, variantId],
  );
  return updated.rowCount ? "mapped" : "unknown_sku";
}
