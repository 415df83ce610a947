import { randomUUID } from "node:crypto";
import { transaction } from "@roestify/db";
import { skuMapping } from "@roestify/shopify";
import { z } from "zod";
import { enqueueJob } from "../shopify/enqueue.ts";
import { protectedProcedure } from "../trpc.ts";

export const recordPackagingInput = z.object({
  sku: z.string().trim().min(1).max(255),
  quantity: z.number().int().min(1).max(100_000),
  packaged_at: z.iso.datetime({ offset: true }).optional(),
  reference: z.string().max(500).optional(),
  /** The `Idempotency-Key` header: the same key answers with the first answer again. */
  idempotencyKey: z.string().min(1).max(255).optional(),
});

export const packagingAnswer = z
  .object({
    movement_id: z.uuid(),
    sku: z.string(),
    available: z.number().int(),
    push: z.enum(["queued", "not_connected", "not_mapped"]),
  })
  .meta({ id: "StockChange" });
type Answer = z.infer<typeof packagingAnswer>;

/**
 * A packaging run: Roestify's stock of the SKU rises, and the new quantity is queued for Shopify.
 * With an idempotency key, the first answer is stored with the movement in one transaction and
 * returned for every repetition, so nothing is recorded or pushed twice.
 */
export const recordPackaging = protectedProcedure
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
  .output(packagingAnswer)
  .mutation(async ({ ctx, input }) => {
    const { organizationId } = ctx.user;
    return transaction(ctx.db.pool, async (tx) => {
      if (input.idempotencyKey) {
        // Serialises concurrent repetitions of one key.
        await tx.query("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", [
          organizationId,
          input.idempotencyKey,
        ]);
        const earlier = await tx.query<{ response: Answer }>(
          "SELECT response FROM idempotent_requests WHERE organization_id = $1 AND key = $2",
          [organizationId, input.idempotencyKey],
        );
        if (earlier.rows[0]) return earlier.rows[0].response;
      }
      const item = await tx.query<{ id: string }>(
        `INSERT INTO inventory_items (organization_id, sku) VALUES ($1, $2)
         ON CONFLICT (organization_id, sku) DO UPDATE SET sku = EXCLUDED.sku RETURNING id`,
        [organizationId, input.sku],
      );
      const itemId = item.rows[0]?.id as string;
      const movement = await tx.query<{ id: string }>(
        `INSERT INTO inventory_movements
           (organization_id, inventory_item_id, kind, delta, source_ref, occurred_at)
         VALUES ($1, $2, 'packaging', $3, $4, coalesce($5::timestamptz, now())) RETURNING id`,
        [
          organizationId,
          itemId,
          input.quantity,
          `packaging:${input.reference ?? ""}:${input.idempotencyKey ?? randomUUID()}`,
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
      const answer: Answer = {
        movement_id: movement.rows[0]?.id as string,
        sku: input.sku,
        available: available.rows[0]?.available ?? 0,
        push,
      };
      if (input.idempotencyKey) {
        await tx.query(
          `INSERT INTO idempotent_requests (organization_id, key, request_hash, status_code, response)
           VALUES ($1, $2, $3, 201, $4)`,
          [organizationId, input.idempotencyKey, input.sku, JSON.stringify(answer)],
        );
      }
      return answer;
    });
  });
