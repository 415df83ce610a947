import { randomUUID } from "node:crypto";
import { transaction } from "@roestify/db";
import { bookMovement, lockOrCreateSku } from "@roestify/inventory";
import { z } from "zod";
import { idempotencyKey, keyedProcedure, performOnce } from "../idempotency.ts";
import { queuePush, type StockChange, sku, stockChangeSchema } from "./stock-change.ts";

export const recordPackagingInput = z.object({
  sku,
  quantity: z.number().int().min(1).max(100_000),
  packaged_at: z.iso.datetime({ offset: true }).optional(),
  reference: z.string().max(500).optional(),
  /** The `Idempotency-Key` header. */
  idempotencyKey,
});

/**
 * A packaging run: Roestify's stock of the SKU (made if new) rises, and the new quantity is
 * queued for Shopify. The packaging's reference is kept as the movement's note.
 */
export const recordPackaging = keyedProcedure
  .meta({
    rest: {
      method: "POST",
      path: "/api/v1/inventory/packagings",
      summary: "Abpackung buchen",
      status: 201,
      headers: { "Idempotency-Key": "idempotencyKey" },
      errors: ["idempotency_key_reused"],
    },
  })
  .input(recordPackagingInput)
  .output(stockChangeSchema)
  .mutation(({ ctx, input: { idempotencyKey: key, ...body } }) => {
    const { organizationId } = ctx.user;
    return transaction(ctx.db.pool, (tx) =>
      performOnce(
        tx,
        organizationId,
        key,
        { operation: "packaging", body: ctx.requestBody },
        async () => {
          const item = await lockOrCreateSku(tx, organizationId, body.sku);
          const booked = await bookMovement(tx, {
            organizationId,
            itemId: item.id,
            kind: "packaging",
            delta: body.quantity,
            sourceRef: `packaging:${randomUUID()}`,
            occurredAt: body.packaged_at,
            note: body.reference,
          });
          return {
            movement_id: booked.movementId,
            sku: body.sku,
            available: booked.available,
            push: await queuePush(tx, ctx.user, item.id),
          } satisfies StockChange;
        },
      ),
    );
  });
