import type { Queryable, Row } from "@roestify/db";
import { type MappedSku, skuMappingSql } from "./mapping.ts";
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

const listedItemColumns = [
  "title",
  "available",
  "last_pushed_quantity",
  "last_pushed_at",
  "push_status",
  "push_error",
] as const satisfies (keyof Row<"inventory_items">)[];

type Item = Row<"inventory_items">;
/** One row of the list's query, as an array: no object with twelve keys per row to build. */
type ListRow = [
  sku: Item["sku"],
  title: Item["title"],
  available: Item["available"],
  lastPushedQuantity: Item["last_pushed_quantity"],
  lastPushedAt: Item["last_pushed_at"],
  pushStatus: PushOutcome | null,
  pushError: Item["push_error"],
  connected: boolean,
  locationId: string | null,
  pushEnabled: MappedSku["push_enabled"],
  variantId: string | null,
  shopifyAvailable: Row<"shopify_inventory_levels">["available"] | null,
];

/**
 * Every Roestify SKU of the organisation with its stock, the Shopify variants that share it (each
 * with Shopify's last known quantity at the inventory location) and how the last push went.
 */
export async function listStock(db: Queryable, organizationId: string): Promise<SkuStock[]> {
  const { rows } = await db.query<ListRow>({
    // Prepared once per pooled connection: planning it would cost more than running it.
    name: "inventory.list-stock",
    // One row per mapped variant, in SKU order (a SKU is unique in its organisation); grouped
    // here. Building the answer's JSON text in the database instead took 4–6 times the database's
    // CPU time of the rows (10,000 SKUs). Only what the list shows: each byte is sent and parsed;
    // ids as text, which the driver hands on as it is (a bigint is checked digit by digit).
    text: `SELECT m.sku, m.title, m.available, m.last_pushed_quantity, m.last_pushed_at,
                  m.push_status, m.push_error, m.connection_id IS NOT NULL AS connected,
                  m.location_id::text, m.push_enabled, m.variant_id::text,
                  l.available AS shopify_available
     FROM (${skuMappingSql("$1", listedItemColumns)}) m
     LEFT JOIN shopify_inventory_levels l ON l.connection_id = m.connection_id
       AND l.inventory_item_id = m.inventory_item_id AND l.location_id = m.location_id
     ORDER BY m.sku, m.variant_id`,
    values: [organizationId],
    rowMode: "array",
  });
  const skus: { row: ListRow; variants: SkuStock["variants"] }[] = [];
  for (const row of rows) {
    let sku = skus.at(-1);
    if (sku?.row[0] !== row[0]) {
      sku = { row, variants: [] };
      skus.push(sku);
    }
    if (row[10] !== null) sku.variants.push({ variantId: row[10], shopifyAvailable: row[11] });
  }
  return skus.map(({ row, variants }) => {
    const [
      sku,
      title,
      available,
      lastPushedQuantity,
      lastPushedAt,
      outcome,
      pushError,
      connected,
      locationId,
      pushEnabled,
    ] = row;
    return {
      sku,
      title,
      available,
      locationId,
      variants,
      lastPushedQuantity,
      lastPushedAt,
      pushStatus: pushStatus({
        connected,
        push_enabled: pushEnabled,
        push_status: outcome,
        available,
        variants: variants.map((variant) => ({ shopify_available: variant.shopifyAvailable })),
      }),
      pushError,
    };
  });
}

/**
 * The version of the organisation's stock list: triggers move it at the commit of every
 * transaction that changes what `listStock` shows (packagings, syncs, pushes, mappings, the
 * connection), in that transaction. "0" before the first change.
 */
export async function stockListVersion(db: Queryable, organizationId: string): Promise<string> {
  const result = await db.query<{ version: string }>({
    name: "inventory.stock-list-version",
    text: `SELECT coalesce(max(version), 0)::text AS version FROM stock_list_versions
           WHERE organization_id = $1`,
    values: [organizationId],
  });
  return result.rows[0]?.version ?? "0";
}
