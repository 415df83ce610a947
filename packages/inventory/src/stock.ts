import type { Queryable } from "@roestify/db";

/** A SKU's stock (`item`: an SQL expression of its id): the sum of its ledger's movements. */
export const stockSql = (item: string) =>
  `(SELECT coalesce(sum(delta), 0)::int FROM inventory_movements x WHERE x.inventory_item_id = ${item})`;

export async function stockOf(db: Queryable, itemId: string): Promise<number> {
  const result = await db.query<{ available: number }>(`SELECT ${stockSql("$1")} AS available`, [
    itemId,
  ]);
  return result.rows[0]?.available ?? 0;
}
