import { z } from "zod";
import { ApiError } from "../errors.ts";
import { protectedProcedure } from "../trpc.ts";
import { sku } from "./stock-change.ts";

const variantGid = z
  .string()
  .regex(/^gid:\/\/shopify\/ProductVariant\/\d+$/, "keine ProductVariant-GID");

export const setMappingInput = z.object({
  sku,
  /**
   * The mirrored variants of the connected shop that share the SKU's stock ([] maps it to none),
   * or null to go back to every variant with exactly this SKU.
   */
  shopify_variant_ids: z.array(variantGid).max(100).nullable(),
});

/** Maps a Roestify SKU to Shopify variants explicitly. */
export const setMapping = protectedProcedure
  .input(setMappingInput)
  .mutation(async ({ ctx, input }) => {
    const { organizationId } = ctx.user;
    const variantIds = input.shopify_variant_ids?.map((gid) => gid.split("/").pop() as string);
    if (variantIds?.length) {
      const known = await ctx.db.pool.query<{ shopify_id: string }>(
        `SELECT v.shopify_id FROM shopify_product_variants v
         JOIN shopify_connections c ON c.id = v.connection_id
         WHERE c.organization_id = $1 AND v.shopify_id = ANY ($2::bigint[])`,
        [organizationId, variantIds],
      );
      const found = new Set(known.rows.map((row) => String(row.shopify_id)));
      const unknown = variantIds.flatMap((id, index) => (found.has(id) ? [] : [index]));
      if (unknown.length) {
        throw new ApiError("invalid_request", {
          message: "Diese Variante gehört nicht zum verbundenen Shop.",
          details: unknown.map((index) => ({
            path: ["shopify_variant_ids", index],
            message: "unknown variant",
          })),
        });
      }
    }
    const updated = await ctx.db.pool.query(
      `UPDATE inventory_items SET shopify_variant_ids = $3, push_status = NULL, push_error = NULL
       WHERE organization_id = $1 AND sku = $2`,
      [organizationId, input.sku, variantIds ? [...new Set(variantIds)] : null],
    );
    if (!updated.rowCount) throw new ApiError("not_found");
    return { sku: input.sku, shopify_variant_ids: input.shopify_variant_ids };
  });
