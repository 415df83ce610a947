-- A version of each organisation's stock list (GET /api/v1/inventory), moved in the transaction
-- of every change the list shows: web processes keep the rendered list and answer it again while
-- its version stands (docs/ARCHITECTURE.md, "The stock list's cache").
CREATE TABLE "stock_list_versions" (
    "organization_id" TEXT NOT NULL,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "stock_list_versions_pkey" PRIMARY KEY ("organization_id")
);

ALTER TABLE "stock_list_versions" ADD CONSTRAINT "stock_list_versions_organization_id_fkey"
FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Runs at commit (the triggers are deferred): the version row is locked only for the commit
-- itself, after every row lock the transaction takes, so a packaging never waits for a long sync
-- transaction's version lock and the version adds no lock order to keep. Once per organisation
-- (or connection) and transaction: the keys already bumped are kept in a transaction-local
-- setting, so a sync writing 10,000 levels bumps once.
CREATE FUNCTION "stock_list_version_bump"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  "organization" TEXT;
  "connection" UUID;
  "key" TEXT;
  "bumped" TEXT := coalesce(current_setting('roestify.stock_list_bumped', true), '');
BEGIN
  IF TG_TABLE_NAME IN ('inventory_items', 'shopify_connections') THEN
    "organization" := CASE WHEN TG_OP = 'DELETE' THEN OLD."organization_id" ELSE NEW."organization_id" END;
    "key" := md5('o' || "organization");
  ELSE
    "connection" := CASE WHEN TG_OP = 'DELETE' THEN OLD."connection_id" ELSE NEW."connection_id" END;
    "key" := md5('c' || "connection");
  END IF;
  IF position("key" IN "bumped") > 0 THEN
    RETURN NULL;
  END IF;
  PERFORM set_config('roestify.stock_list_bumped', "bumped" || "key" || ',', true);
  IF "organization" IS NULL THEN
    -- A deleted connection's mirrors: the connection's own delete bumped its organisation.
    SELECT "organization_id" INTO "organization" FROM "shopify_connections" WHERE "id" = "connection";
  END IF;
  -- A deleted organisation has no list any more (and no version row to keep).
  INSERT INTO "stock_list_versions" ("organization_id", "version")
  SELECT "id", 1 FROM "organizations" WHERE "id" = "organization"
  ON CONFLICT ("organization_id") DO UPDATE SET "version" = "stock_list_versions"."version" + 1;
  RETURN NULL;
END
$$;

-- Only changes of what the list shows: a sync writing what the mirror already holds, or a
-- bookkeeping column (opening_connection_id, synced_at, raw), keeps the cached list.
CREATE CONSTRAINT TRIGGER "inventory_items_stock_list" AFTER INSERT OR DELETE ON "inventory_items"
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "stock_list_version_bump"();
CREATE CONSTRAINT TRIGGER "inventory_items_stock_list_update"
AFTER UPDATE OF "sku", "title", "available", "shopify_variant_ids", "last_pushed_quantity",
  "last_pushed_at", "push_status", "push_error" ON "inventory_items"
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (OLD."sku" IS DISTINCT FROM NEW."sku" OR OLD."title" IS DISTINCT FROM NEW."title"
  OR OLD."available" IS DISTINCT FROM NEW."available"
  OR OLD."shopify_variant_ids" IS DISTINCT FROM NEW."shopify_variant_ids"
  OR OLD."last_pushed_quantity" IS DISTINCT FROM NEW."last_pushed_quantity"
  OR OLD."last_pushed_at" IS DISTINCT FROM NEW."last_pushed_at"
  OR OLD."push_status" IS DISTINCT FROM NEW."push_status"
  OR OLD."push_error" IS DISTINCT FROM NEW."push_error")
EXECUTE FUNCTION "stock_list_version_bump"();

CREATE CONSTRAINT TRIGGER "shopify_connections_stock_list" AFTER INSERT OR DELETE ON "shopify_connections"
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "stock_list_version_bump"();
CREATE CONSTRAINT TRIGGER "shopify_connections_stock_list_update"
AFTER UPDATE OF "status", "inventory_location_id", "inventory_push_enabled" ON "shopify_connections"
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (OLD."status" IS DISTINCT FROM NEW."status"
  OR OLD."inventory_location_id" IS DISTINCT FROM NEW."inventory_location_id"
  OR OLD."inventory_push_enabled" IS DISTINCT FROM NEW."inventory_push_enabled")
EXECUTE FUNCTION "stock_list_version_bump"();

CREATE CONSTRAINT TRIGGER "shopify_product_variants_stock_list" AFTER INSERT OR DELETE ON "shopify_product_variants"
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "stock_list_version_bump"();
CREATE CONSTRAINT TRIGGER "shopify_product_variants_stock_list_update"
AFTER UPDATE OF "sku", "inventory_item_id" ON "shopify_product_variants"
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (OLD."sku" IS DISTINCT FROM NEW."sku"
  OR OLD."inventory_item_id" IS DISTINCT FROM NEW."inventory_item_id")
EXECUTE FUNCTION "stock_list_version_bump"();

CREATE CONSTRAINT TRIGGER "shopify_inventory_levels_stock_list" AFTER INSERT OR DELETE ON "shopify_inventory_levels"
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "stock_list_version_bump"();
CREATE CONSTRAINT TRIGGER "shopify_inventory_levels_stock_list_update"
AFTER UPDATE OF "available" ON "shopify_inventory_levels"
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (OLD."available" IS DISTINCT FROM NEW."available")
EXECUTE FUNCTION "stock_list_version_bump"();
