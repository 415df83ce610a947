import { randomUUID } from "node:crypto";
import type { Queryable } from "@roestify/db";
import { skuMapping } from "./mapping.ts";
import { stockOf } from "./stock.ts";

export interface Packaging {
  organizationId: string;
  sku: string;
  quantity: number;
  /** ISO time; now when absent. */
  packagedAt?: string | undefined;
  reference?: string | undefined;
  /** The same key answers with the first answer again; nothing is recorded twice. */
  idempotencyKey?: string | undefined;
}

export interface PackagingRecorded {
  movement_id: string;
  sku: string;
  available: number;
  push: "queued" | "not_connected" | "not_mapped";
}

/**
 * A packaging run, in the caller's transaction: Roestify's stock of the SKU rises, and when the SKU
 * is mapped to a variant, `queuePush` queues its new quantity for the connection. With an
 * idempotency key, the first answer is stored with the movement and returned for every repetition.
 */
export async function recordPackaging(
  tx: Queryable,
  packaging: Packaging,
  queuePush: (connectionId: string) => Promise<unknown>,
): Promise<PackagingRecorded> {
  const { organizationId, idempotencyKey } = packaging;
  if (idempotencyKey) {
    // Serialises concurrent repetitions of one key.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", [
      organizationId,
      idempotencyKey,
    ]);
    const earlier = await tx.query<{ response: PackagingRecorded }>(
      "SELECT response FROM idempotent_requests WHERE organization_id = $1 AND key = $2",
      [organizationId, idempotencyKey],
    );
    if (earlier.rows[0]) return earlier.rows[0].response;
  }
  const item = await tx.query<{ id: string }>(
    `INSERT INTO inventory_items (organization_id, sku) VALUES ($1, $2)
     ON CONFLICT (organization_id, sku) DO UPDATE SET sku = EXCLUDED.sku RETURNING id`,
    [organizationId, packaging.sku],
  );
  const itemId = item.rows[0]?.id as string;
  const movement = await tx.query<{ id: string }>(
    `INSERT INTO inventory_movements
       (organization_id, inventory_item_id, kind, delta, source_ref, occurred_at)
     VALUES ($1, $2, 'packaging', $3, $4, coalesce($5::timestamptz, now())) RETURNING id`,
    [
      organizationId,
      itemId,
      packaging.quantity,
      `packaging:${packaging.reference ?? ""}:${idempotencyKey ?? randomUUID()}`,
      packaging.packagedAt ?? null,
    ],
  );
  const available = await stockOf(tx, itemId);
  const mapping = await skuMapping(tx, organizationId, itemId);
  let push: PackagingRecorded["push"] = "not_connected";
  if (mapping?.connection_id) {
    push = mapping.variant_id ? "queued" : "not_mapped";
    if (mapping.variant_id) await queuePush(mapping.connection_id);
  }
  const answer: PackagingRecorded = {
    movement_id: movement.rows[0]?.id as string,
    sku: packaging.sku,
    available,
    push,
  };
  if (idempotencyKey) {
    await tx.query(
      `INSERT INTO idempotent_requests (organization_id, key, request_hash, status_code, response)
       VALUES ($1, $2, $3, 201, $4)`,
      [organizationId, idempotencyKey, packaging.sku, JSON.stringify(answer)],
    );
  }
  return answer;
}
