import { skuMappingSql } from "@roestify/shopify";
import { protectedProcedure } from "../trpc.ts";

const gid = (type: string, id: string | null) =>
  id === null ? null : `gid://shopify/${type}/${id}`;

/** Every Roestify SKU with its stock, its Shopify mapping and how the last push went. */
export const list = protectedProcedure.query(async ({ ctx }) => {
  const rows = await ctx.db.pool.query<{
    sku: string;
    title: string | null;
    available: number;
    variant_id: string | null;
    location_id: string | null;
    candidates: number;
    connection_id: string | null;
    last_pushed_quantity: number | null;
    last_pushed_at: Date | null;
    push_status: string | null;
    push_error: string | null;
  }>(
    `WITH mapping AS (${skuMappingSql("$1")})
     SELECT i.sku, i.title, m.variant_id, m.location_id, m.candidates, m.connection_id,
            i.last_pushed_quantity, i.last_pushed_at, i.push_status, i.push_error,
            (SELECT coalesce(sum(delta), 0)::int FROM inventory_movements x
             WHERE x.inventory_item_id = i.id) AS available
     FROM inventory_items i JOIN mapping m ON m.item_id = i.id
     ORDER BY i.sku`,
    [ctx.user.organizationId],
  );
  return rows.rows.map((row) => ({
    sku: row.sku,
    title: row.title,
    available: row.available,
    shopify_variant_id: gid("ProductVariant", row.variant_id),
    shopify_location_id: gid("Location", row.location_id),
    last_pushed_quantity: row.last_pushed_quantity,
    last_pushed_at: row.last_pushed_at?.toISOString() ?? null,
    push_status: !row.connection_id
      ? "not_connected"
      : row.candidates > 1
        ? "conflict"
        : !row.variant_id
          ? "not_mapped"
          : (row.push_status ?? "pending"),
    push_error:
      row.candidates > 1
        ? `${row.candidates} Shopify-Varianten haben diese SKU; bitte eine Zuordnung wählen.`
        : row.push_error,
  }));
});
