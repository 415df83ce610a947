import { z } from "zod";
import { ApiError } from "../errors.ts";
import { protectedProcedure } from "../trpc.ts";
import { connectionSchema, readConnection } from "./views.ts";

export const updateConnectionInput = z.object({
  inventory_location_id: z.string().regex(/^gid:\/\/shopify\/Location\/\d+$/, "keine Location-GID"),
});

/** Chooses the location Roestify's stock is pushed to: one of the connection's synced locations. */
export const updateConnection = protectedProcedure
  .meta({
    rest: {
      method: "PATCH",
      path: "/api/v1/shopify/connection",
      summary: "Lagerort für den Bestandsabgleich wählen",
      errors: ["shopify_not_connected"],
    },
  })
  .input(updateConnectionInput)
  .output(connectionSchema)
  .mutation(async ({ ctx, input }) => {
    const { prisma } = ctx.db;
    const connection = await prisma.shopifyConnection.findUnique({
      where: { organizationId: ctx.user.organizationId },
    });
    if (!connection) throw new ApiError("shopify_not_connected");
    const locationId = BigInt(input.inventory_location_id.split("/").pop() as string);
    const location = await prisma.shopifyLocation.findFirst({
      where: { connectionId: connection.id, shopifyId: locationId },
    });
    if (!location) {
      throw new ApiError("invalid_request", {
        message: "Diese Location gehört nicht zum verbundenen Shop.",
        details: [{ path: ["inventory_location_id"], message: "unknown location" }],
      });
    }
    await prisma.shopifyConnection.update({
      where: { id: connection.id },
      data: { inventoryLocationId: locationId, updatedAt: new Date() },
    });
    return readConnection(ctx.db.pool, ctx.user.organizationId) as Promise<
      z.input<typeof connectionSchema>
    >;
  });
