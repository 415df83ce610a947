-- Rows of each mirror per connection, kept up to date by statement triggers in the same
-- transaction as the mirror writes, so reading them costs the same at any shop size.
CREATE TABLE "shopify_mirror_counts" (
    "connection_id" UUID NOT NULL,
    "mirror" TEXT NOT NULL,
    "rows" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "shopify_mirror_counts_pkey" PRIMARY KEY ("connection_id", "mirror")
);

ALTER TABLE "shopify_mirror_counts" ADD CONSTRAINT "shopify_mirror_counts_connection_id_fkey"
  FOREIGN KEY ("connection_id") REFERENCES "shopify_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One statement's rows at a time (transition tables), not one trigger call per row: a COPY of a
-- million rows adds one grouped upsert.
CREATE FUNCTION "shopify_mirror_rows_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO shopify_mirror_counts AS m (connection_id, mirror, rows)
  SELECT connection_id, TG_TABLE_NAME, count(*) FROM inserted GROUP BY connection_id
  ON CONFLICT (connection_id, mirror) DO UPDATE SET rows = m.rows + EXCLUDED.rows;
  RETURN NULL;
END $$;

CREATE FUNCTION "shopify_mirror_rows_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A connection deleted with its mirrors has lost its counts already: nothing to update then.
  UPDATE shopify_mirror_counts m SET rows = m.rows - d.n
  FROM (SELECT connection_id, count(*) AS n FROM deleted GROUP BY connection_id) d
  WHERE m.connection_id = d.connection_id AND m.mirror = TG_TABLE_NAME;
  RETURN NULL;
END $$;

CREATE FUNCTION "shopify_mirror_truncated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM shopify_mirror_counts WHERE mirror = TG_TABLE_NAME;
  RETURN NULL;
END $$;

DO $$
DECLARE mirror text;
BEGIN
  FOREACH mirror IN ARRAY ARRAY['shopify_products', 'shopify_product_variants', 'shopify_orders',
      'shopify_fulfillments', 'shopify_customers', 'shopify_inventory_levels'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS inserted
      FOR EACH STATEMENT EXECUTE FUNCTION shopify_mirror_rows_inserted()', mirror || '_counted_in', mirror);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS deleted
      FOR EACH STATEMENT EXECUTE FUNCTION shopify_mirror_rows_deleted()', mirror || '_counted_out', mirror);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I
      FOR EACH STATEMENT EXECUTE FUNCTION shopify_mirror_truncated()', mirror || '_truncated', mirror);
    EXECUTE format('INSERT INTO shopify_mirror_counts (connection_id, mirror, rows)
      SELECT connection_id, %L, count(*) FROM %I GROUP BY connection_id', mirror, mirror);
  END LOOP;
END $$;
