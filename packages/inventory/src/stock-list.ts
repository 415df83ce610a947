import type { Queryable } from "@roestify/db";
import { skuMappingSql } from "./mapping.ts";
import { type PushOutcome, type PushStatus, pushError, pushStatus } from "./push-status.ts";
import { stockSql } from "./stock.ts";

export interface SkuStock {
  sku: string;
  title: string | null;
  available: number;
  /** Numeric Shopify ids of the mapped variant and the inventory location. */
  variantId: string | null;
  locationId: string | null;
  /** Shopify's last known quantity of the variant at the location. */
  shopifyAvailable: number | null;
  lastPushedQuantity: number | null;
  lastPushedAt: Date | null;
  pushStatus: PushStatus;
  pushError: string | null;
}

/** Every Roestify SKU of the organisation with its stock, its Shopify mapping and push status. */
export async function listStock(db: Queryable, organizationId: string): Promise<SkuStock[]> {
  const rows = await db.query<{
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
    push_status: PushOutcome | null;
    push_error: string | null;
  }>(
    `WITH mapping AS (${skuMappingSql("$1")})
     SELECT i.sku, i.title, m.variant_id, m.location_id, m.candidates, m.connection_id,
            i.last_pushed_quantity, i.last_pushed_at, i.push_status, i.push_error,
            l.available AS shopify_available, ${stockSql("i.id")} AS available
     FROM inventory_items i JOIN mapping m ON m.item_id = i.id
     LEFT JOIN shopify_inventory_levels l ON l.connection_id = m.connection_id
       AND l.inventory_item_id = m.inventory_item_id AND l.location_id = m.location_id
     ORDER BY i.sku`,
    [organizationId],
  );
  return rows.rows.map((row) => ({
    sku: row.sku,
    title: row.title,
    available: row.available,
    variantId: row.variant_id,
    locationId: row.location_id,
    shopifyAvailable: row.shopify_available,
    lastPushedQuantity: row.last_pushed_quantity,
    lastPushedAt: row.last_pushed_at,
    pushStatus: pushStatus(row),
    pushError: pushError(row),
  }));
}
