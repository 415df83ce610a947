import { z } from "zod";
import { ApiError } from "../errors.ts";
import { shopifyGid } from "../gid.ts";
import { protectedProcedure } from "../trpc.ts";

export const setMappingInput = z.object({
  sku: z.string().trim().min(1).max(255),
  /** A mirrored variant of the connected shop, or null to go back to matching by SKU. */
  shopify_variant_id: shopifyGid("ProductVariant").nullable(),
});

/** Maps a Roestify SKU to a Shopify variant explicitly (e.g. to settle a SKU conflict). */
export const setMapping = protectedProcedure
  .input(setMappingInput)
  .mutation(async ({ ctx, input }) => {
    const { organizationId } = ctx.user;
    const variantId = input.shopify_variant_id?.split("/").pop() ?? null;
    if (variantId) {
      const known = await ctx.db.pool.query(
        `SELECT 1 FROM shopify_product_variants v
       JOIN shopify_connections c ON c.id = v.connection_id
       WHERE c.organization_id = $1 AND v.shopify_id = $2`,
        [organizationId, variantId],
      );
      if (!known.rowCount) {
        throw new ApiError("invalid_request", {
          message: "Diese Variante gehört nicht zum verbundenen Shop.",
          details: [{ path: ["shopify_variant_id"], message: "unknown variant" }],
        });
      }
    }
    const updated = await ctx.db.pool.query(
      `UPDATE inventory_items SET shopify_variant_id = $3, push_status = NULL, push_error = NULL
     WHERE organization_id = $1 AND sku = $2`,
      [organizationId, input.sku, variantId],
    );
    if (!updated.rowCount) throw new ApiError("not_found");
    return { sku: input.sku, shopify_variant_id: input.shopify_variant_id };
  });
