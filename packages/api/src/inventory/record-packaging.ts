import { transaction } from "@roestify/db";
import { recordPackaging as record } from "@roestify/inventory";
import { enqueueJob } from "@roestify/jobs";
import { z } from "zod";
import { protectedProcedure } from "../trpc.ts";

export const recordPackagingInput = z.object({
  sku: z.string().trim().min(1).max(255),
  quantity: z.number().int().min(1).max(100_000),
  packaged_at: z.iso.datetime({ offset: true }).optional(),
  reference: z.string().max(500).optional(),
  /** The `Idempotency-Key` header: the same key answers with the first answer again. */
  idempotencyKey: z.string().min(1).max(255).optional(),
});

/** A packaging run: Roestify's stock of the SKU rises, and the new quantity is queued for Shopify. */
export const recordPackaging = protectedProcedure
  .input(recordPackagingInput)
  .mutation(async ({ ctx, input }) => {
    const { organizationId } = ctx.user;
    return transaction(ctx.db.pool, (tx) =>
      record(
        tx,
        {
          organizationId,
          sku: input.sku,
          quantity: input.quantity,
          packagedAt: input.packaged_at,
          reference: input.reference,
          idempotencyKey: input.idempotencyKey,
        },
        (connectionId) =>
          enqueueJob(tx, {
            organizationId,
            connectionId,
            type: "inventory_push",
            requestedBy: `user:${ctx.user.id}`,
          }),
      ),
    );
  });
