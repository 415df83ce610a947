import type { Columns, Queryable, Row } from "@roestify/db";

/**
 * How the Roestify SKUs of an organisation (given as an SQL expression) map to the mirrored
 * variants of its active connection, one row per mapped variant (a SKU without one: one row,
 * `variant_id` null), with the SKU's `itemColumns` (read here, so that no reader joins the SKUs
 * a second time). An explicit list `shopify_variant_ids` wins; else every variant with
 * exactly that SKU (case-sensitive) shares the SKU's stock.
 */
export const skuMappingSql = (
  organization: string,
  itemColumns: (keyof Row<"inventory_items">)[] = [],
) => {
  const from = (variants: string, explicit: boolean) => `
    SELECT i.id AS item_id, i.organization_id, i.sku,${itemColumns.map((column) => ` i.${column},`).join("")}
           c.id AS connection_id,
           c.inventory_location_id AS location_id, c.inventory_push_enabled AS push_enabled,
           v.shopify_id AS variant_id, v.inventory_item_id
    FROM inventory_items i
    LEFT JOIN shopify_connections c ON c.organization_id = i.organization_id AND c.status = 'active'
    LEFT JOIN shopify_product_variants v ON v.connection_id = c.id AND ${variants}
    WHERE i.organization_id = ${organization}
      AND i.shopify_variant_ids IS ${explicit ? "NOT NULL" : "NULL"}`;
  // Two joins, one per kind of mapping: matching by SKU is one hash join over all SKUs (one
  // condition choosing between the kinds would be a nested loop over every SKU × every variant).
  return `${from("v.sku = i.sku", false)}
    UNION ALL ${from("v.shopify_id = ANY (i.shopify_variant_ids)", true)}`;
};

/** A row of `skuMappingSql` (without its `itemColumns`): null where no connection or variant matched. */
export interface MappedSku {
  item_id: Row<"inventory_items">["id"];
  organization_id: Row<"inventory_items">["organization_id"];
  sku: Row<"inventory_items">["sku"];
  connection_id: Row<"shopify_connections">["id"] | null;
  location_id: Row<"shopify_connections">["inventory_location_id"];
  push_enabled: Row<"shopify_connections">["inventory_push_enabled"] | null;
  variant_id: Row<"shopify_product_variants">["shopify_id"] | null;
  inventory_item_id: Row<"shopify_product_variants">["inventory_item_id"];
}

export interface SkuMapping extends Pick<MappedSku, "connection_id" | "push_enabled"> {
  variant_ids: NonNullable<MappedSku["variant_id"]>[];
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

/**
 * Maps a Roestify SKU to mirrored variants of the organisation's shop explicitly (`variantIds`,
 * numeric ids; [] maps it to none), or back to every variant with exactly its SKU (null); a new
 * mapping is pushed afresh. Unknown variants are answered by their indexes, nothing is changed.
 */
export async function mapSku(
  db: Queryable,
  organizationId: string,
  sku: string,
  variantIds: string[] | null,
): Promise<{ unknownVariants: number[] } | "mapped" | "unknown_sku"> {
  if (variantIds?.length) {
    const known = await db.query<Columns<"shopify_product_variants", "shopify_id">>(
      `SELECT v.shopify_id FROM shopify_product_variants v
       JOIN shopify_connections c ON c.id = v.connection_id
       WHERE c.organization_id = $1 AND v.shopify_id = ANY ($2::bigint[])`,
      [organizationId, variantIds],
    );
    const found = new Set(known.rows.map((row) => String(row.shopify_id)));
    const unknownVariants = variantIds.flatMap((id, index) => (found.has(id) ? [] : [index]));
    if (unknownVariants.length) return { unknownVariants };
  }
  const updated = await db.query(
    `UPDATE inventory_items SET shopify_variant_ids = $3, push_status = NULL, push_error = NULL
     WHERE organization_id = $1 AND sku = $2`,
    [organizationId, sku, variantIds ? [...new Set(variantIds)] : null],
  );
  return updated.rowCount ? "mapped" : "unknown_sku";
}

/**
 * The organisation's shop and its data are gone (shop/redact, a disconnect with purge): its
 * SKUs keep their stock and movements, but no mapping to that shop's variants and nothing of
 * what was pushed there.
 */
export async function unmapSkus(db: Queryable, organizationId: string): Promise<void> {
  await db.query(
    `UPDATE inventory_items
     SET shopify_variant_ids = NULL, last_pushed_quantity = NULL, last_pushed_at = NULL,
         push_status = NULL, push_error = NULL
     WHERE organization_id = $1`,
    [organizationId],
  );
}
