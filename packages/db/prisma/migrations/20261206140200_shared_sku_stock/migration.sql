-- A SKU maps to every variant that carries it (one coffee whole bean and ground, drawn from the
-- same bags); an explicit mapping is a list of variants.
ALTER TABLE "inventory_items" ADD COLUMN "shopify_variant_ids" BIGINT[];

UPDATE "inventory_items" SET "shopify_variant_ids" = ARRAY["shopify_variant_id"]
WHERE "shopify_variant_id" IS NOT NULL;

ALTER TABLE "inventory_items" DROP COLUMN "shopify_variant_id";
