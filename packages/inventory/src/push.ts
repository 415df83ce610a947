import { randomUUID } from "node:crypto";
import type { Queryable } from "@roestify/db";
import { type AdminClient, pushConflicts } from "@roestify/shopify";
import {
  inventoryLevelsAtLocationQuery,
  inventorySetQuantitiesMutation,
} from "@roestify/shopify/documents";
import { type PushTarget, pushTargets } from "./push-status.ts";

// inventorySetQuantities takes at most 250 quantities per call.
const batchSize = 250;
const staleRetries = 3;

interface SetQuantitiesResult {
  inventorySetQuantities: {
    userErrors: { code: string | null; field: string[] | null; message: string }[];
  };
}

const itemGid = (id: string) => `gid://shopify/InventoryItem/${id}`;
const locationGid = (id: string) => `gid://shopify/Location/${id}`;

/**
 * Pushes Roestify's stock of every mapped SKU whose target (available, never below 0) differs
 * from Shopify's last known quantity of one of its variants; variants sharing a SKU all get its
 * target in the same call. Each call compares-and-swaps from the last known quantities with a
 * fresh idempotency key, so a sale Shopify made in the meantime is never overwritten: on a stale
 * compare the Shopify side is read again (`catchUp` brings in new orders first), targets are
 * recomputed and the push retried; after 3 stale rounds the SKU is marked `conflict`.
 */
export async function pushInventory(
  db: Queryable,
  client: AdminClient,
  connectionId: string,
  catchUp: () => Promise<void>,
): Promise<{ pushed: number; conflicts: number }> {
  let pushed = 0;
  for (let round = 0; ; round++) {
    const targets = await pushTargets(db, connectionId);
    if (targets.length === 0) return { pushed, conflicts: 0 };
    const stale: PushTarget[] = [];
    for (const batch of batchesBySku(targets)) {
      const result = await client.request<SetQuantitiesResult>(inventorySetQuantitiesMutation, {
        key: randomUUID(),
        input: {
          name: "available",
          reason: "correction",
          referenceDocumentUri: `gid://roestify/InventoryPush/${connectionId}`,
          quantities: batch.map((target) => ({
            inventoryItemId: itemGid(target.inventory_item_id),
            locationId: locationGid(target.location_id),
            quantity: target.target,
            changeFromQuantity: target.shopify_available,
          })),
        },
      });
      const errors = result.inventorySetQuantities.userErrors;
      if (errors.some((error) => error.code === "CHANGE_FROM_QUANTITY_STALE")) {
        stale.push(...batch);
        continue;
      }
      if (errors.length) throw new Error(`Shopify refused the stock: ${errors[0]?.message}`);
      await recordPushed(db, connectionId, batch);
      pushed += new Set(batch.map((target) => target.item_id)).size;
    }
    // What changed meanwhile is queued as a push of its own: no second look at every SKU.
    if (stale.length === 0) return { pushed, conflicts: 0 };
    if (round >= staleRetries) {
      await markConflict(db, stale);
      const conflicts = new Set(stale.map((target) => target.item_id)).size;
      pushConflicts.inc(conflicts);
      return { pushed, conflicts };
    }
    await catchUp();
    await refreshLevels(db, client, connectionId, stale);
  }
}

/** Calls of at most 250 quantities; the variants of one SKU always go in the same call. */
function* batchesBySku(targets: PushTarget[]): Generator<PushTarget[]> {
  let batch: PushTarget[] = [];
  for (const sku of Map.groupBy(targets, (target) => target.item_id).values()) {
    if (batch.length + sku.length > batchSize) {
      yield batch;
      batch = [];
    }
    batch.push(...sku);
  }
  if (batch.length) yield batch;
}

async function recordPushed(db: Queryable, connectionId: string, batch: PushTarget[]) {
  const rows = JSON.stringify(batch.map((t) => ({ ...t, quantity: t.target })));
  await db.query(
    `WITH pushed AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb)
         AS p(item_id uuid, inventory_item_id bigint, location_id bigint, quantity int)
     ), levels AS (
       INSERT INTO shopify_inventory_levels (connection_id, inventory_item_id, location_id, available, raw, synced_at)
       SELECT $1, inventory_item_id, location_id, quantity, '{}', now() FROM pushed
       ON CONFLICT (connection_id, inventory_item_id, location_id)
       DO UPDATE SET available = EXCLUDED.available, synced_at = now()
     )
     UPDATE inventory_items i SET last_pushed_quantity = p.quantity, last_pushed_at = now(),
       push_status = 'pushed', push_error = NULL
     FROM pushed p WHERE i.id = p.item_id`,
    [connectionId, rows],
  );
}

async function markConflict(db: Queryable, stale: PushTarget[]) {
  await db.query(
    `UPDATE inventory_items SET push_status = 'conflict',
       push_error = 'Shopify änderte den Bestand bei jedem Versuch; bitte prüfen.'
     WHERE id = ANY($1::uuid[])`,
    [stale.map((target) => target.item_id)],
  );
}

/** Reads Shopify's available quantity of the stale items again into the mirror. */
async function refreshLevels(
  db: Queryable,
  client: AdminClient,
  connectionId: string,
  stale: PushTarget[],
) {
  const byLocation = Map.groupBy(stale, (target) => target.location_id);
  for (const [locationId, targets] of byLocation) {
    const result = await client.request<{
      nodes: ({
        id: string;
        inventoryLevel: { quantities: { quantity: number }[] } | null;
      } | null)[];
    }>(inventoryLevelsAtLocationQuery, {
      ids: targets.map((target) => itemGid(target.inventory_item_id)),
      locationId: locationGid(locationId),
    });
    const levels = result.nodes.flatMap((node) =>
      node?.inventoryLevel
        ? [
            {
              id: node.id.split("/").pop(),
              available: node.inventoryLevel.quantities[0]?.quantity ?? 0,
            },
          ]
        : [],
    );
    await db.query(
      `UPDATE shopify_inventory_levels l SET available = r.available, synced_at = now()
       FROM jsonb_to_recordset($3::jsonb) AS r(id bigint, available int)
       WHERE l.connection_id = $1 AND l.location_id = $2 AND l.inventory_item_id = r.id`,
      [connectionId, locationId, JSON.stringify(levels)],
    );
  }
}
