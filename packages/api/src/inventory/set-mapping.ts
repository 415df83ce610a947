import { mapSku } from "@roestify/inventory";
import { z } from "zod";
import { answer } from "../answer.ts";
import { ApiError } from "../errors.ts";
import { shopifyGid } from "../gid.ts";
import { protectedProcedure } from "../trpc.ts";
import { sku } from "./stock-change.ts";

const variantGid = shopifyGid("ProductVariant");

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
  .meta({
    rest: {
      method: "PUT",
      path: "/api/v1/inventory/{sku}/mapping",
      summary: "SKU Shopify-Varianten zuordnen",
      errors: ["not_found"],
    },
  })
  .input(setMappingInput)
  .output(answer(setMappingInput))
  .mutation(async ({ ctx, input }) => {
    const variantIds = input.shopify_variant_ids?.map((gid) => gid.split("/").pop() as string);
    const outcome = await mapSku(
      ctx.db.pool,
      ctx.user.organizationId,
      input.sku,
      variantIds ?? null,
    );
    if (outcome === "unknown_sku") throw new ApiError("not_found");
    if (outcome !== "mapped") {
      throw new ApiError("invalid_request", {
        message: "Diese Variante gehört nicht zum verbundenen Shop.",
        details: outcome.unknownVariants.map((index) => ({
          path: ["shopify_variant_ids", index],
          message: "unknown variant",
        })),
      });
    }
    return { sku: input.sku, shopify_variant_ids: input.shopify_variant_ids };
  });
