import { type Database, type Queryable, transaction } from "@roestify/db";
import { skuMapping } from "@roestify/inventory";
import { enqueueJob } from "@roestify/jobs";
import { z } from "zod";
import type { User } from "../auth.ts";
import { performOnce } from "../idempotency.ts";

export const sku = z.string().trim().min(1).max(255);

/** What a packaging or an adjustment answers. */
export const stockChangeSchema = z
  .object({
    /** Null when an adjustment to a counted stock changed nothing. */
    movement_id: z.uuid().nullable(),
    sku: z.string(),
    available: z.number().int(),
    push: z.enum(["queued", "not_connected", "not_mapped", "paused"]),
  })
  .meta({ id: "StockChange" });
export type StockChange = z.infer<typeof stockChangeSchema>;

/**
 * Queues a push of the SKU's stock to the organisation's shop, in the caller's transaction, and
 * says what became of it.
 */
export async function queuePush(
  tx: Queryable,
  user: User,
  itemId: string,
): Promise<StockChange["push"]> {
  const mapping = await skuMapping(tx, user.organizationId, itemId);
  if (!mapping.connection_id) return "not_connected";
  if (mapping.variant_ids.length === 0) return "not_mapped";
  if (!mapping.push_enabled) return "paused";
  await enqueueJob(tx, {
    organizationId: user.organizationId,
    connectionId: mapping.connection_id,
    type: "inventory_push",
    requestedBy: `user:${user.id}`,
  });
  return "queued";
}

/**
 * Books a stock change of the user's SKU once per `Idempotency-Key` (`operation` and the body as
 * sent make the request), in one transaction with the push it queues. `book` finds the SKU and
 * books the movement: `movementId` null when there was nothing to book.
 */
export function recordStockChange(
  ctx: { db: Pick<Database, "pool">; user: User; requestBody: unknown },
  request: { operation: string; key: string | undefined; sku: string },
  book: (
    tx: Queryable,
  ) => Promise<{ itemId: string; movementId: string | null; available: number }>,
): Promise<StockChange> {
  const { operation, key } = request;
  return transaction(ctx.db.pool, (tx) =>
    performOnce(
      tx,
      ctx.user.organizationId,
      key,
      { operation, body: ctx.requestBody },
      async () => {
        const booked = await book(tx);
        return {
          movement_id: booked.movementId,
          sku: request.sku,
          available: booked.available,
          push: await queuePush(tx, ctx.user, booked.itemId),
        };
      },
    ),
  );
}
