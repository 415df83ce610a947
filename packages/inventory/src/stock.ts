import { type Columns, type Queryable, typed } from "@roestify/db";

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
  const result = await db.query<Columns<"inventory_items", "id" | "available">>(
    `INSERT INTO inventory_items (organization_id, sku) VALUES ($1, $2)
     ON CONFLICT (organization_id, sku) DO UPDATE SET sku = EXCLUDED.sku
     RETURNING id, available`,
    [organizationId, sku],
  );
  return result.rows[0] as Columns<"inventory_items", "id" | "available">;
}

/** A known SKU of the organisation with its row locked for the caller's transaction. */
export async function lockSku(db: Queryable, organizationId: string, sku: string) {
  return typed(db)
    .selectFrom("inventory_items")
    .select(["id", "available"])
    .where("organization_id", "=", organizationId)
    .where("sku", "=", sku)
    .forUpdate()
    .executeTakeFirst();
}

/** Books one movement; the SKU's running balance moves with it (a trigger, same transaction). */
export async function bookMovement(
  db: Queryable,
  movement: Movement,
): Promise<{ movementId: string; available: number }> {
  const result = await db.query<Columns<"inventory_movements", "id">>(
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
  const balance = await typed(db)
    .selectFrom("inventory_items")
    .select("available")
    .where("id", "=", movement.itemId)
    .executeTakeFirst();
  return { movementId: result.rows[0]?.id as string, available: balance?.available ?? 0 };
}
