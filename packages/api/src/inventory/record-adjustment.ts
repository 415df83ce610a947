import { randomUUID } from "node:crypto";
import { bookMovement, lockSku } from "@roestify/inventory";
import { z } from "zod";
import { answer } from "../answer.ts";
import { ApiError } from "../errors.ts";
import { idempotencyKey, keyedProcedure } from "../idempotency.ts";
import { recordStockChange, sku, stockChangeSchema } from "./stock-change.ts";

export const adjustmentReasons = ["correction", "write_off", "stocktake", "sample"] as const;

export const recordAdjustmentInput = z
  .object({
    sku,
    delta: z
      .number()
      .int()
      .min(-100_000)
      .max(100_000)
      .refine((delta) => delta !== 0, "darf nicht 0 sein")
      .optional(),
    counted: z.number().int().min(0).max(1_000_000).optional(),
    reason: z.enum(adjustmentReasons),
    note: z.string().max(500).optional(),
    /** The `Idempotency-Key` header, shared with packagings. */
    idempotencyKey,
  })
  .refine((body) => (body.delta === undefined) !== (body.counted === undefined), {
    message: "genau eines von delta und counted angeben",
    path: ["delta"],
  });

/**
 * Corrects the stock of a known SKU by `delta`, or sets it to what was `counted` (the movement is
 * the difference; none when there is none). Stock never goes below 0 by an adjustment: the SKU's
 * row stays locked from reading its balance to booking, so concurrent changes cannot slip in.
 */
export const recordAdjustment = keyedProcedure
  .meta({
    rest: {
      method: "POST",
      path: "/api/v1/inventory/adjustments",
      summary: "Bestand korrigieren (Differenz oder gezählter Bestand)",
      status: 201,
      headers: { "Idempotency-Key": "idempotencyKey" },
      errors: ["not_found", "insufficient_stock", "idempotency_key_reused"],
    },
  })
  .input(recordAdjustmentInput)
  .output(answer(stockChangeSchema))
  .mutation(({ ctx, input: { idempotencyKey: key, ...body } }) =>
    recordStockChange(ctx, { operation: "adjustment", key, sku: body.sku }, async (tx) => {
      const item = await lockSku(tx, ctx.user.organizationId, body.sku);
      if (!item) throw new ApiError("not_found", { message: "Diese SKU ist nicht bekannt." });
      const delta = body.delta ?? (body.counted as number) - item.available;
      if (delta < 0 && item.available + delta < 0) {
        throw new ApiError("insufficient_stock", { details: { available: item.available } });
      }
      if (delta === 0) return { itemId: item.id, movementId: null, available: item.available };
      const booked = await bookMovement(tx, {
        organizationId: ctx.user.organizationId,
        itemId: item.id,
        kind: "adjustment",
        delta,
        sourceRef: `adjustment:${randomUUID()}`,
        reason: body.reason,
        note: body.note,
      });
      return { itemId: item.id, ...booked };
    }),
  );
