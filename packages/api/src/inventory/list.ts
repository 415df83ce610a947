import { skuMappingSql } from "@roestify/shopify";
import { protectedProcedure } from "../trpc.ts";

const gid = (type: string, id: string | null) =>
  id === null ? null : `gid://shopify/${type}/${id}`;

interface Row {
  sku: string;
  title: string | null;
  available: number;
  location_id: string | null;
  connection_id: string | null;
  push_enabled: boolean | null;
  variants: { variant_id: string; shopify_available: number | null }[];
  last_pushed_quantity: number | null;
  last_pushed_at: Date | null;
  push_status: string | null;
  push_error: string | null;
}

/**
 * Every Roestify SKU with its stock, the Shopify variants that share it (each with Shopify's last
 * known quantity at the inventory location) and how the last push went.
 */
export const list = protectedProcedure.query(async ({ ctx }) => {
  const rows = await ctx.db.pool.query<Row>(
    `WITH mapping AS (${skuMappingSql("$1")})
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
    [ctx.user.organizationId],
  );
  return rows.rows.map((row) => {
    const first = row.variants[0];
    return {
      sku: row.sku,
      title: row.title,
      available: row.available,
      shopify_variant_id: gid("ProductVariant", first?.variant_id ?? null),
      shopify_variants: row.variants.map((variant) => ({
        id: gid("ProductVariant", variant.variant_id) as string,
        shopify_available: variant.shopify_available,
      })),
      shopify_location_id: gid("Location", row.location_id),
      shopify_available: first?.shopify_available ?? null,
      last_pushed_quantity: row.last_pushed_quantity,
      last_pushed_at: row.last_pushed_at?.toISOString() ?? null,
      push_status: pushStatus(row),
      push_error: row.push_error,
    };
  });
});

/**
 * `paused` while the connection's pushes are switched off; `conflict` stays until a push
 * succeeds; `in_sync` when every variant shows what Roestify would push; otherwise `pending`.
 */
function pushStatus(row: Row): string {
  if (!row.connection_id) return "not_connected";
  if (row.variants.length === 0) return "not_mapped";
  if (!row.push_enabled) return "paused";
  if (row.push_status === "conflict") return "conflict";
  const target = Math.max(0, row.available);
  return row.variants.every((variant) => variant.shopify_available === target)
    ? "in_sync"
    : "pending";
}
