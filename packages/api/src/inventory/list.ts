import { listStock, pushStatuses, type SkuStock, stockListVersion } from "@roestify/inventory";
import { z } from "zod";
import { answer, RenderedAnswer } from "../answer.ts";
import { protectedProcedure } from "../trpc.ts";

const variantGid = z.string().regex(/^gid:\/\/shopify\/ProductVariant\/\d+$/);

export const inventoryItemSchema = z
  .object({
    sku: z.string(),
    title: z.string().nullable(),
    available: z.number().int(),
    /** The first of `shopify_variants`, or null. */
    shopify_variant_id: variantGid.nullable(),
    shopify_variants: z.array(
      z.object({ id: variantGid, shopify_available: z.number().int().nullable() }),
    ),
    shopify_location_id: z
      .string()
      .regex(/^gid:\/\/shopify\/Location\/\d+$/)
      .nullable(),
    shopify_available: z.number().int().nullable(),
    last_pushed_quantity: z.number().int().nullable(),
    last_pushed_at: z.iso.datetime().nullable(),
    push_status: z.enum(pushStatuses),
    push_error: z.string().nullable(),
  })
  .meta({ id: "InventoryItem" });

const gid = (type: string, id: string | null) =>
  id === null ? null : `gid://shopify/${type}/${id}`;

/**
 * The answer as REST sends it, `{"data":[…]}`, rendered once (kept, see below). V8's
 * JSON.stringify of the answer's objects was faster than writing the JSON text by hand.
 */
function renderList(skus: SkuStock[]): RenderedAnswer {
  const data: z.output<typeof inventoryItemSchema>[] = skus.map((sku) => {
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
  return new RenderedAnswer(Buffer.from(JSON.stringify({ data })));
}

/**
 * Every Roestify SKU with its stock, the Shopify variants that share it (each with Shopify's last
 * known quantity at the inventory location) and how the last push went. Rendered once per version
 * of the organisation's list (`stock_list_versions`) in each web process, then answered as it is
 * until something the list shows changes (docs/ARCHITECTURE.md, "The stock list's cache").
 */
export const list = protectedProcedure
  .meta({ rest: { method: "GET", path: "/api/v1/inventory", summary: "Bestand jeder SKU" } })
  .output(answer(z.array(inventoryItemSchema)))
  .query(async ({ ctx }) => {
    const organizationId = ctx.user.organizationId;
    const render = async () => renderList(await listStock(ctx.db.pool, organizationId));
    if (!ctx.answers) return render();
    // The version first: the list read after it is at least as new as the version says.
    const version = await stockListVersion(ctx.db.pool, organizationId);
    return ctx.answers.answer(`inventory.list:${organizationId}`, version, render);
  });
