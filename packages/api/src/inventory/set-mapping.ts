import { mapSku } from "@roestify/inventory";
import { z } from "zod";
import { ApiError } from "../errors.ts";
import { protectedProcedure } from "../trpc.ts";

export const setMappingInput = z.object({
  sku: z.string().trim().min(1).max(255),
  /** A mirrored variant of the connected shop, or null to go back to matching by SKU. */
  shopify_variant_id: z
    .string()
    .regex(/^gid:\/\/shopify\/ProductVariant\/\d+$/, "keine ProductVariant-GID")
    .nullable(),
});

/** Maps a Roestify SKU to a Shopify variant explicitly (e.g. to settle a SKU conflict). */
export const setMapping = protectedProcedure
  .input(setMappingInput)
  .mutation(async ({ ctx, input }) => {
    const variantId = input.shopify_variant_id?.split("/").pop() ?? null;
    const outcome = await mapSku(ctx.db.pool, ctx.user.organizationId, input.sku, variantId);
    if (outcome === "unknown_variant") {
      throw new ApiError("invalid_request", {
        message: "Diese Variante gehört nicht zum verbundenen Shop.",
        details: [{ path: ["shopify_variant_id"], message: "unknown variant" }],
      });
    }
    if (outcome === "unknown_sku") throw new ApiError("not_found");
    return { sku: input.sku, shopify_variant_id: input.shopify_variant_id };
  });
