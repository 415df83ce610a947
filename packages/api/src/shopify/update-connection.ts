import { z } from "zod";
import { ApiError } from "../errors.ts";
import { shopifyGid } from "../gid.ts";
import { protectedProcedure } from "../trpc.ts";
import { connectionView } from "./views.ts";

export const updateConnectionInput = z.object({
  inventory_location_id: shopifyGid("Location"),
});

/** Chooses the location Roestify's stock is pushed to: one of the connection's synced locations. */
export const updateConnection = protectedProcedure
  .input(updateConnectionInput)
  .mutation(async ({ ctx, input }) => {
    const { prisma } = ctx.db;
    const connection = await prisma.shopifyConnection.findUnique({
      where: { organizationId: ctx.user.organizationId },
    });
    if (!connection) throw new ApiError("shopify_not_connected");
    const locationId = BigInt(input.inventory_location_id.split("/").pop() as string);
    const locations = await prisma.shopifyLocation.findMany({
      where: { connectionId: connection.id },
      orderBy: { shopifyId: "asc" },
    });
    if (!locations.some((location) => location.shopifyId === locationId)) {
      throw new ApiError("invalid_request", {
        message: "Diese Location gehört nicht zum verbundenen Shop.",
        details: [{ path: ["inventory_location_id"], message: "unknown location" }],
      });
    }
    const updated = await prisma.shopifyConnection.update({
      where: { id: connection.id },
      data: { inventoryLocationId: locationId, updatedAt: new Date() },
    });
    return connectionView(updated, locations);
  });
