-- The connection whose shop's opening balance a SKU adopted, kept beside the balance so that the
-- minutely push check does not look it up among the movements. No foreign key: the id of a
-- deleted connection matches no other.
ALTER TABLE "inventory_items" ADD COLUMN "opening_connection_id" UUID;

UPDATE "inventory_items" i SET "opening_connection_id" = c."id"
FROM "shopify_connections" c
WHERE c."organization_id" = i."organization_id"
  AND EXISTS (SELECT 1 FROM "inventory_movements" x
              WHERE x."organization_id" = i."organization_id"
                AND x."source_ref" = 'opening_balance:' || c."id" || ':' || i."id");
