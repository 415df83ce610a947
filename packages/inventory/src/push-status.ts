import type { Queryable } from "@roestify/db";
import { skuMappingSql } from "./mapping.ts";
import { stockSql } from "./stock.ts";

/** How a SKU's stock stands with Shopify, as `GET /api/v1/inventory` shows it. */
export const pushStatuses = [
  "not_connected",
  "not_mapped",
  "conflict",
  "pending",
  "in_sync",
] as const;
export type PushStatus = (typeof pushStatuses)[number];

/** What a push leaves in `inventory_items.push_status`. */
export type PushOutcome = "pushed" | "conflict";

export interface PushTarget {
  item_id: string;
  sku: string;
  inventory_item_id: string;
  location_id: string;
  target: number;
  shopify_available: number | null;
}

/** What each mapped SKU of the connection should show at the inventory location, where it differs. */
const pushTargetsSql = `
  WITH mapped AS (${skuMappingSql("(SELECT organization_id FROM shopify_connections WHERE id = $1)")})
  SELECT m.item_id, m.sku, m.inventory_item_id, m.location_id, l.available AS shopify_available,
         greatest(0, stock.available)::int AS target, i.push_status
  FROM mapped m
  JOIN inventory_items i ON i.id = m.item_id
  CROSS JOIN LATERAL (SELECT ${stockSql("m.item_id")} AS available) stock
  LEFT JOIN shopify_inventory_levels l ON l.connection_id = $1
    AND l.inventory_item_id = m.inventory_item_id AND l.location_id = m.location_id
  WHERE m.variant_id IS NOT NULL AND m.inventory_item_id IS NOT NULL AND m.location_id IS NOT NULL
    AND l.available IS DISTINCT FROM greatest(0, stock.available)`;

export async function pushTargets(db: Queryable, connectionId: string): Promise<PushTarget[]> {
  return (await db.query<PushTarget>(pushTargetsSql, [connectionId])).rows;
}

/**
 * Whether some SKU waits for a push that no job will make (packaged before it was mapped, a
 * mapping changed, a push that failed). SKUs in conflict wait for the next packaging instead of
 * being retried every minute.
 */
export async function hasPendingPush(db: Queryable, connectionId: string): Promise<boolean> {
  const result = await db.query(
    `SELECT 1 FROM (${pushTargetsSql}) t WHERE t.push_status IS DISTINCT FROM 'conflict' LIMIT 1`,
    [connectionId],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * `in_sync` when Shopify's last known quantity is what Roestify would push (never below 0);
 * `conflict` stays until a push succeeds; otherwise a push is `pending`.
 */
export function pushStatus(sku: {
  connection_id: string | null;
  candidates: number;
  variant_id: string | null;
  push_status: PushOutcome | null;
  shopify_available: number | null;
  available: number;
}): PushStatus {
  if (!sku.connection_id) return "not_connected";
  if (sku.candidates > 1) return "conflict";
  if (!sku.variant_id) return "not_mapped";
  if (sku.push_status === "conflict") return "conflict";
  return sku.shopify_available === Math.max(0, sku.available) ? "in_sync" : "pending";
}

/** Why a SKU is in conflict, for people: several variants with its SKU, or the last push's error. */
export function pushError(sku: { candidates: number; push_error: string | null }): string | null {
  return sku.candidates > 1
    ? `${sku.candidates} Shopify-Varianten haben diese SKU; bitte eine Zuordnung wählen.`
    : sku.push_error;
}
