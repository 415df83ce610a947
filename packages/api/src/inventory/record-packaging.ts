import { randomUUID } from "node:crypto";
import { bookMovement, lockOrCreateSku } from "@roestify/inventory";
import { z } from "zod";
import { answer } from "../answer.ts";
import { idempotencyKey, keyedProcedure } from "../idempotency.ts";
import { recordStockChange, sku, stockChangeSchema } from "./stock-change.ts";

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
  .output(answer(stockChangeSchema))
  .mutation(({ ctx, input: { idempotencyKey: key, ...body } }) =>
    recordStockChange(ctx, { operation: "packaging", key, sku: body.sku }, async (tx) => {
      const item = await lockOrCreateSku(tx, ctx.user.organizationId, body.sku);
      const booked = await bookMovement(tx, {
        organizationId: ctx.user.organizationId,
        itemId: item.id,
        kind: "packaging",
        delta: body.quantity,
        sourceRef: `packaging:${randomUUID()}`,
        occurredAt: body.packaged_at,
        note: body.reference,
      });
      return { itemId: item.id, ...booked };
    }),
  );
