import { transaction } from "@roestify/db";
import { enqueueJob } from "@roestify/jobs";
import { z } from "zod";
import { answer } from "../answer.ts";
import { ApiError } from "../errors.ts";
import { shopifyGid } from "../gid.ts";
import { protectedProcedure } from "../trpc.ts";
import { connectionSchema, readConnection } from "./views.ts";

export const updateConnectionInput = z
  .object({
    inventory_location_id: shopifyGid("Location").optional(),
    inventory_push_enabled: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "nichts zu ändern");

/**
 * Chooses the location Roestify's stock is pushed to (one of the connection's synced locations)
 * and switches pushing off or on; switched on, the current stock is pushed at once.
 */
export const updateConnection = protectedProcedure
  .meta({
    rest: {
      method: "PATCH",
      path: "/api/v1/shopify/connection",
      summary: "Lagerort wählen, Bestandsabgleich pausieren oder fortsetzen",
      errors: ["shopify_not_connected"],
    },
  })
  .input(updateConnectionInput)
  .output(answer(connectionSchema))
  .mutation(async ({ ctx, input }) => {
    const { prisma } = ctx.db;
    const connection = await prisma.shopifyConnection.findUnique({
      where: { organizationId: ctx.user.organizationId },
    });
    if (!connection) throw new ApiError("shopify_not_connected");
    const locations = await prisma.shopifyLocation.findMany({
      where: { connectionId: connection.id },
      orderBy: { shopifyId: "asc" },
    });
    const locationId =
      input.inventory_location_id === undefined
        ? undefined
        : BigInt(input.inventory_location_id.split("/").pop() as string);
    if (
      locationId !== undefined &&
      !locations.some((location) => location.shopifyId === locationId)
    ) {
      throw new ApiError("invalid_request", {
        message: "Diese Location gehört nicht zum verbundenen Shop.",
        details: [{ path: ["inventory_location_id"], message: "unknown location" }],
      });
    }
    await transaction(ctx.db.pool, async (tx) => {
      const result = await tx.query<{ resumed: boolean }>(
        `UPDATE shopify_connections c SET
           inventory_location_id = coalesce($2, c.inventory_location_id),
           inventory_push_enabled = coalesce($3, c.inventory_push_enabled), updated_at = now()
         FROM (SELECT id, inventory_push_enabled FROM shopify_connections WHERE id = $1 FOR UPDATE) old
         WHERE c.id = old.id
         RETURNING c.inventory_push_enabled AND NOT old.inventory_push_enabled AS resumed`,
        [connection.id, locationId ?? null, input.inventory_push_enabled ?? null],
      );
      if (result.rows[0]?.resumed && connection.status === "active") {
        await enqueueJob(tx, {
          organizationId: connection.organizationId,
          connectionId: connection.id,
          type: "inventory_push",
          requestedBy: `user:${ctx.user.id}`,
        });
      }
    });
    return readConnection(ctx.db.pool, ctx.user.organizationId) as Promise<
      z.input<typeof connectionSchema>
    >;
  });
