import { skuMappingSql } from "@roestify/shopify";
import { z } from "zod";
import { protectedProcedure } from "../trpc.ts";

export const pushStatuses = [
  "not_connected",
  "conflict",
  "not_mapped",
  "in_sync",
  "pending",
] as const;
type PushStatus = (typeof pushStatuses)[number];

export const inventoryItemSchema = z
  .object({
    sku: z.string(),
    title: z.string().nullable(),
    available: z.number().int(),
    shopify_variant_id: z.string().nullable(),
    shopify_location_id: z.string().nullable(),
    shopify_available: z.number().int().nullable(),
    last_pushed_quantity: z.number().int().nullable(),
    last_pushed_at: z.iso.datetime().nullable(),
    push_status: z.enum(pushStatuses),
    push_error: z.string().nullable(),
  })
  .meta({ id: "InventoryItem" });

const gid = (type: string, id: string | null) =>
  id === null ? null : `gid://shopify/${type}/${id}`;

/** Every Roestify SKU with its stock, its Shopify mapping and how the last push went. */
export const list = protectedProcedure
  .meta({ rest: { method: "GET", path: "/api/v1/inventory", summary: "Bestand jeder SKU" } })
  .output(z.array(inventoryItemSchema))
  .query(async ({ ctx }) => {
    // Prepared once per pooled connection: planning it would cost more than running it.
  const rows = await ctx.db.pool.query<{
      sku: string;
      title: string | null;
      available: number;
      variant_id: string | null;
      location_id: string | null;
      candidates: number;
      connection_id: string | null;
      shopify_available: number | null;
      last_pushed_quantity: number | null;
      last_pushed_at: Date | null;
      push_status: string | null;
      push_error: string | null;
    }>(
      `WITH mapping AS (${skuMappingSql("$1")})
     SELECT i.sku, i.title, m.variant_id, m.location_id, m.candidates, m.connection_id,
            i.last_pushed_quantity, i.last_pushed_at, i.push_status, i.push_error,
            l.available AS shopify_available,
            (SELECT coalesce(sum(delta), 0)::int FROM inventory_movements x
             WHERE x.inventory_item_id = i.id) AS available
     FROM inventory_items i JOIN mapping m ON m.item_id = i.id
     LEFT JOIN shopify_inventory_levels l ON l.connection_id = m.connection_id
       AND l.inventory_item_id = m.inventory_item_id AND l.location_id = m.location_id
     ORDER BY i.sku`,
      [ctx.user.organizationId],
    );
    return rows.rows.map((row) => ({
      sku: row.sku,
      title: row.title,
      available: row.available,
      shopify_variant_id: gid("ProductVariant", row.variant_id),
      shopify_location_id: gid("Location", row.location_id),
      shopify_available: row.shopify_available,
      last_pushed_quantity: row.last_pushed_quantity,
      last_pushed_at: row.last_pushed_at?.toISOString() ?? null,
      push_status: pushStatus(row),
      push_error:
        row.candidates > 1
          ? `${row.candidates} Shopify-Varianten haben diese SKU; bitte eine Zuordnung wählen.`
          : row.push_error,
    }));
  });

/**
 * `in_sync` when Shopify's last known quantity is what Roestify would push; `conflict` stays until
 * a push succeeds; otherwise a push is `pending`.
 */
function pushStatus(row: {
  connection_id: string | null;
  candidates: number;
  variant_id: string | null;
  push_status: string | null;
  shopify_available: number | null;
  available: number;
}): PushStatus {
  if (!row.connection_id) return "not_connected";
  if (row.candidates > 1) return "conflict";
  if (!row.variant_id) return "not_mapped";
  if (row.push_status === "conflict") return "conflict";
  return row.shopify_available === Math.max(0, row.available) ? "in_sync" : "pending";
}
