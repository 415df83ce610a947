import { skuMapping } from "@roestify/shopify";
import { z } from "zod";
import { idempotencyKey, idempotently, idempotentProcedure } from "../idempotency.ts";
import { enqueueJob } from "../shopify/enqueue.ts";

export const recordPackagingInput = z.object({
  sku: z.string().trim().min(1).max(255),
  quantity: z.number().int().min(1).max(100_000),
  packaged_at: z.iso.datetime({ offset: true }).optional(),
  reference: z.string().max(500).optional(),
  /** The `Idempotency-Key` header (see `idempotently`). */
  idempotencyKey,
});

type Answer = {
  movement_id: string;
  sku: string;
  available: number;
  push: "queued" | "not_connected" | "not_mapped";
};

/**
 * A packaging run: Roestify's stock of the SKU rises, and the new quantity is queued for Shopify.
 * With an idempotency key, a repetition gets the first answer and records nothing twice.
 */
export const recordPackaging = idempotentProcedure
  .input(recordPackagingInput)
  .mutation(async ({ ctx, input }) => {
    const { organizationId } = ctx.user;
    const keyed = {
      organizationId,
      key: input.idempotencyKey,
      operation: "inventory.packaging",
      body: ctx.requestBody,
    };
    return idempotently(ctx.db.pool, keyed, async (tx): Promise<Answer> => {
      const item = await tx.query<{ id: string }>(
        `INSERT INTO inventory_items (organization_id, sku) VALUES ($1, $2)
         ON CONFLICT (organization_id, sku) DO UPDATE SET sku = EXCLUDED.sku RETURNING id`,
        [organizationId, input.sku],
      );
      const itemId = item.rows[0]?.id as string;
      // Repetitions are answered by the idempotency key: each packaging run is a new movement.
      const movement = await tx.query<{ id: string }>(
        `INSERT INTO inventory_movements
           (organization_id, inventory_item_id, kind, delta, source_ref, reference, occurred_at)
         VALUES ($1, $2, 'packaging', $3, 'packaging:' || gen_random_uuid(), $4,
                 coalesce($5::timestamptz, now()))
         RETURNING id`,
        [
          organizationId,
          itemId,
          input.quantity,
          input.reference ?? null,
          input.packaged_at ?? null,
        ],
      );
      const available = await tx.query<{ available: number }>(
        "SELECT coalesce(sum(delta), 0)::int AS available FROM inventory_movements WHERE inventory_item_id = $1",
        [itemId],
      );
      const mapping = await skuMapping(tx, organizationId, itemId);
      let push: Answer["push"] = "not_connected";
      if (mapping?.connection_id) {
        push = mapping.variant_id ? "queued" : "not_mapped";
        if (mapping.variant_id) {
          await enqueueJob(tx, {
            organizationId,
            connectionId: mapping.connection_id,
            type: "inventory_push",
            requestedBy: `user:${ctx.user.id}`,
          });
        }
      }
      return {
        movement_id: movement.rows[0]?.id as string,
        sku: input.sku,
        available: available.rows[0]?.available ?? 0,
        push,
      };
    });
  });
