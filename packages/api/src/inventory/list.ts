import { listStock } from "@roestify/inventory";
import { protectedProcedure } from "../trpc.ts";

const gid = (type: string, id: string | null) =>
  id === null ? null : `gid://shopify/${type}/${id}`;

/** Every Roestify SKU with its stock, its Shopify mapping and how the last push went. */
export const list = protectedProcedure.query(async ({ ctx }) => {
  const skus = await listStock(ctx.db.pool, ctx.user.organizationId);
  return skus.map((sku) => ({
    sku: sku.sku,
    title: sku.title,
    available: sku.available,
    shopify_variant_id: gid("ProductVariant", sku.variantId),
    shopify_location_id: gid("Location", sku.locationId),
    shopify_available: sku.shopifyAvailable,
    last_pushed_quantity: sku.lastPushedQuantity,
    last_pushed_at: sku.lastPushedAt?.toISOString() ?? null,
    push_status: sku.pushStatus,
    push_error: sku.pushError,
  }));
});
