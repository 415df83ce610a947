-- The quantities of an order's line items as the mirror held them before a change (an edit, a
-- refund), with when it had written them: an edit after a SKU's opening balance is booked
-- against the line item as the opening saw it, never against its original quantity.
CREATE TABLE "ledger_line_item_states" (
    "connection_id" UUID NOT NULL,
    "line_item_id" BIGINT NOT NULL,
    "synced_at" TIMESTAMPTZ(6) NOT NULL,
    "current_quantity" INTEGER NOT NULL,
    CONSTRAINT "ledger_line_item_states_pkey" PRIMARY KEY ("connection_id", "line_item_id", "synced_at")
);

ALTER TABLE "ledger_line_item_states" ADD CONSTRAINT "ledger_line_item_states_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "shopify_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Row by row, but only for orders whose line items changed (edits and refunds, not a resync).
CREATE FUNCTION "keep_superseded_line_items"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ledger_line_item_states" ("connection_id", "line_item_id", "synced_at", "current_quantity")
  SELECT OLD."connection_id", (line->>'id')::bigint, OLD."synced_at", (line->>'current_quantity')::int
  FROM jsonb_array_elements(OLD."line_items") AS line
  WHERE line->>'current_quantity' IS NOT NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER "shopify_orders_keep_superseded_line_items"
AFTER UPDATE OF "line_items" ON "shopify_orders"
FOR EACH ROW WHEN (OLD."line_items" IS DISTINCT FROM NEW."line_items")
EXECUTE FUNCTION "keep_superseded_line_items"();
