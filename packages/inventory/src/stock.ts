import type { Queryable } from "@roestify/db";

export interface Movement {
  organizationId: string;
  itemId: string;
  kind: "packaging" | "adjustment";
  delta: number;
  sourceRef: string;
  occurredAt?: string | undefined;
  reason?: string | undefined;
  note?: string | undefined;
}

/**
 * A Roestify SKU of the organisation, made if new, with its row locked for the caller's
 * transaction: whatever the caller decides from `available` still holds when it books.
 */
export async function lockOrCreateSku(db: Queryable, organizationId: string, sku: string) {
  const result = await db.query<{ id: string; available: number }>(
    `INSERT INTO inventory_items (organization_id, sku) VALUES ($1, $2)
     ON CONFLICT (organization_id, sku) DO UPDATE SET sku = EXCLUDED.sku
     RETURNING id, available`,
    [organizationId, sku],
  );
  return result.rows[0] as { id: string; available: number };
}

/** A known SKU of the organisation with its row locked for the caller's transaction. */
export async function lockSku(db: Queryable, organizationId: string, sku: string) {
  const result = await db.query<{ id: string; available: number }>(
    "SELECT id, available FROM inventory_items WHERE organization_id = $1 AND sku = $2 FOR UPDATE",
    [organizationId, sku],
  );
  return result.rows[0];
}

/** Books one movement; the SKU's running balance moves with it (a trigger, same transaction). */
export async function bookMovement(
  db: Queryable,
  movement: Movement,
): Promise<{ movementId: string; available: number }> {
  const result = await db.query<{ id: string }>(
    `INSERT INTO inventory_movements
       (organization_id, inventory_item_id, kind, delta, source_ref, occurred_at, reason, note)
     VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now()), $7, $8) RETURNING id`,
    [
      movement.organizationId,
      movement.itemId,
      movement.kind,
      movement.delta,
      movement.sourceRef,
      movement.occurredAt ?? null,
      movement.reason ?? null,
      movement.note ?? null,
    ],
  );
  const balance = await db.query<{ available: number }>(
    "SELECT available FROM inventory_items WHERE id = $1",
    [movement.itemId],
  );
  return { movementId: result.rows[0]?.id as string, available: balance.rows[0]?.available ?? 0 };
}
