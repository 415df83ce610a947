import { listStock } from "@roestify/inventory";
import { protectedProcedure } from "../trpc.ts";

const gid = (type: string, id: string | null) =>
  id === null ? null : `gid://shopify/${type}/${id}`;

/**
 * Every Roestify SKU with its stock, the Shopify variants that share it (each with Shopify's last
 * known quantity at the inventory location) and how the last push went.
 */
export const list = protectedProcedure.query(async ({ ctx }) => {
  const skus = await listStock(ctx.db.pool, ctx.user.organizationId);
  return skus.map((sku) => {
    const first = sku.variants[0];
    return {
      sku: sku.sku,
      title: sku.title,
      available: sku.available,
      shopify_variant_id: gid("ProductVariant", first?.variantId ?? null),
      shopify_variants: sku.variants.map((variant) => ({
        id: gid("ProductVariant", variant.variantId) as string,
        shopify_available: variant.shopifyAvailable,
      })),
      shopify_location_id: gid("Location", sku.locationId),
      shopify_available: first?.shopifyAvailable ?? null,
      last_pushed_quantity: sku.lastPushedQuantity,
      last_pushed_at: sku.lastPushedAt?.toISOString() ?? null,
      push_status: sku.pushStatus,
      push_error: sku.pushError,
    };
  });
});
