import type { Columns, Queryable, Row } from "@roestify/db";
import { type MappedSku, skuMappingSql } from "./mapping.ts";

/** How a SKU's stock stands with Shopify, as `GET /api/v1/inventory` shows it. */
export const pushStatuses = [
  "not_connected",
  "not_mapped",
  "paused",
  "conflict",
  "pending",
  "in_sync",
] as const;
export type PushStatus = (typeof pushStatuses)[number];

/** What a push leaves in `inventory_items.push_status`. */
export type PushOutcome = "pushed" | "conflict";

export interface PushTarget extends Pick<MappedSku, "item_id" | "sku"> {
  inventory_item_id: NonNullable<MappedSku["inventory_item_id"]>;
  location_id: NonNullable<MappedSku["location_id"]>;
  target: number;
  shopify_available: Row<"shopify_inventory_levels">["available"] | null;
}

/**
 * Each mapped variant with what it should show at the inventory location, and whether its SKU
 * differs there anywhere; nothing while a connection's pushes are paused, and nothing for a SKU
 * whose opening balance from this shop is not adopted yet (a packaging booked while the first
 * sync runs would otherwise overwrite the shop's live quantity). The scope is given as SQL: one
 * connection (its organisation and id) or every active one.
 */
const targetsSql = (scope: { organization: string; connection: string }) => `
  WITH mapped AS (${skuMappingSql(scope.organization, ["available", "push_status", "opening_connection_id"])})
  SELECT m.connection_id, m.organization_id, m.item_id, m.sku, m.inventory_item_id, m.location_id,
         l.available AS shopify_available, greatest(0, m.available) AS target, m.push_status,
         -- A SKU is pushed with all its variants when one of them differs.
         bool_or(l.available IS DISTINCT FROM greatest(0, m.available))
           OVER (PARTITION BY m.item_id) AS differs
  FROM mapped m
  LEFT JOIN shopify_inventory_levels l ON l.connection_id = ${scope.connection}
    AND l.inventory_item_id = m.inventory_item_id AND l.location_id = m.location_id
  WHERE m.push_enabled AND m.inventory_item_id IS NOT NULL AND m.location_id IS NOT NULL
    AND m.opening_connection_id = ${scope.connection}`;

const pushTargetsSql = `
  SELECT item_id, sku, inventory_item_id, location_id, shopify_available, target, push_status
  FROM (${targetsSql({ organization: "(SELECT organization_id FROM shopify_connections WHERE id = $1)", connection: "$1" })}) t
  WHERE differs ORDER BY item_id`;

export async function pushTargets(db: Queryable, connectionId: string): Promise<PushTarget[]> {
  return (await db.query<PushTarget>(pushTargetsSql, [connectionId])).rows;
}

/**
 * The active connections where some SKU waits for a push that no job will make (packaged before
 * it was mapped, a mapping changed, a push that failed), all in one statement: the minutely tick
 * asks this of the whole fleet. SKUs in conflict wait for the next packaging instead of being
 * retried every minute.
 */
export async function connectionsPendingPush(
  db: Queryable,
): Promise<Columns<"shopify_connections", "id" | "organization_id">[]> {
  const result = await db.query<Columns<"shopify_connections", "id" | "organization_id">>(
    `SELECT DISTINCT connection_id AS id, organization_id
     FROM (${targetsSql({ organization: "i.organization_id", connection: "m.connection_id" })}) t
     WHERE differs AND push_status IS DISTINCT FROM 'conflict'`,
  );
  return result.rows;
}

/**
 * `paused` while the connection's pushes are switched off; `conflict` stays until a push
 * succeeds; `in_sync` when every variant shows what Roestify would push; otherwise `pending`.
 */
export function pushStatus(sku: {
  connected: boolean;
  push_enabled: boolean | null;
  variants: { shopify_available: number | null }[];
  push_status: PushOutcome | null;
  available: number;
}): PushStatus {
  if (!sku.connected) return "not_connected";
  if (sku.variants.length === 0) return "not_mapped";
  if (!sku.push_enabled) return "paused";
  if (sku.push_status === "conflict") return "conflict";
  const target = Math.max(0, sku.available);
  return sku.variants.every((variant) => variant.shopify_available === target)
    ? "in_sync"
    : "pending";
}
