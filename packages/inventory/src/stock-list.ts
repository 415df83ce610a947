import type { Queryable } from "@roestify/db";
import { skuMappingSql } from "./mapping.ts";
import { type PushOutcome, type PushStatus, pushStatus } from "./push-status.ts";

export interface SkuStock {
  sku: string;
  title: string | null;
  available: number;
  /** Numeric Shopify ids: the inventory location, and the variants that share the SKU's stock. */
  locationId: string | null;
  variants: { variantId: string; shopifyAvailable: number | null }[];
  lastPushedQuantity: number | null;
  lastPushedAt: Date | null;
  pushStatus: PushStatus;
  pushError: string | null;
}

/**
 * Every Roestify SKU of the organisation with its stock, the Shopify variants that share it (each
 * with Shopify's last known quantity at the inventory location) and how the last push went.
 */
export async function listStock(db: Queryable, organizationId: string): Promise<SkuStock[]> {
  const rows = await db.query<{
    sku: string;
    title: string | null;
    available: number;
    location_id: string | null;
    connection_id: string | null;
    push_enabled: boolean | null;
    variants: { variant_id: string; shopify_available: number | null }[];
    last_pushed_quantity: number | null;
    last_pushed_at: Date | null;
    push_status: PushOutcome | null;
    push_error: string | null;
  }>({
    // Prepared once per pooled connection: planning it would cost more than running it.
    name: "inventory.list-stock",
    text: `WITH mapping AS (${skuMappingSql("$1")})
     SELECT i.sku, i.title, i.available, i.last_pushed_quantity, i.last_pushed_at, i.push_status,
            i.push_error, m.connection_id, m.location_id, m.push_enabled, m.variants
     FROM inventory_items i
     JOIN (SELECT m.item_id, min(m.connection_id::text) AS connection_id,
                  min(m.location_id) AS location_id, bool_and(m.push_enabled) AS push_enabled,
                  coalesce(jsonb_agg(jsonb_build_object('variant_id', m.variant_id::text,
                                                        'shopify_available', l.available)
                                     ORDER BY m.variant_id) FILTER (WHERE m.variant_id IS NOT NULL),
                           '[]') AS variants
           FROM mapping m
           LEFT JOIN shopify_inventory_levels l ON l.connection_id = m.connection_id
             AND l.inventory_item_id = m.inventory_item_id AND l.location_id = m.location_id
           GROUP BY m.item_id) m ON m.item_id = i.id
     ORDER BY i.sku`,
    values: [organizationId],
  });
  return rows.rows.map((row) => ({
    sku: row.sku,
    title: row.title,
    available: row.available,
    locationId: row.location_id,
    variants: row.variants.map((variant) => ({
      variantId: variant.variant_id,
      shopifyAvailable: variant.shopify_available,
    })),
    lastPushedQuantity: row.last_pushed_quantity,
    lastPushedAt: row.last_pushed_at,
    pushStatus: pushStatus(row),
    pushError: row.push_error,
  }));
}
