-- Refunds of mirrored orders, each read once (a refund does not change afterwards): its line
-- items say what Shopify restocked. `ledger_seq` orders it with what else the mirror saw.
CREATE TABLE "shopify_refunds" (
    "connection_id" UUID NOT NULL,
    "shopify_id" BIGINT NOT NULL,
    "order_id" BIGINT NOT NULL,
    "line_items" JSONB NOT NULL DEFAULT '[]',
    "raw" JSONB NOT NULL,
    "shopify_created_at" TIMESTAMPTZ(6),
    "synced_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ledger_seq" BIGINT NOT NULL DEFAULT nextval('shopify_orders_ledger_seq_seq'),
    CONSTRAINT "shopify_refunds_pkey" PRIMARY KEY ("connection_id", "shopify_id")
);

CREATE INDEX "shopify_refunds_connection_id_order_id_idx" ON "shopify_refunds"("connection_id", "order_id");

ALTER TABLE "shopify_refunds" ADD CONSTRAINT "shopify_refunds_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "shopify_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Restocking refunds and order edits are movements of their own.
ALTER TABLE "inventory_movements" DROP CONSTRAINT "inventory_movements_kind_check";
ALTER TABLE "inventory_movements" ADD CONSTRAINT "inventory_movements_kind_check" CHECK ("kind" IN ('opening_balance', 'packaging', 'adjustment', 'shopify_order', 'shopify_order_cancelled', 'shopify_order_edit', 'shopify_refund'));

-- Order edits are booked as the difference to what was booked for the line item before.
ALTER TABLE "inventory_movements" ADD COLUMN "shopify_line_item_id" BIGINT;

CREATE INDEX "inventory_movements_organization_id_shopify_line_item_id_idx" ON "inventory_movements"("organization_id", "shopify_line_item_id");

-- An opening balance also covers what happened in the shop up to Shopify's last change of the
-- quantities it adopted (their `updatedAt`), even if the mirror saw it only later.
ALTER TABLE "inventory_movements" ADD COLUMN "covers_until" TIMESTAMPTZ(6);

-- Openings belong to the shop they were adopted from: one made before carries the organisation's
-- connection of now (a different shop connected later replaces it with its own).
ALTER TABLE "inventory_movements" DISABLE TRIGGER "inventory_movements_immutable";
UPDATE "inventory_movements" m SET "source_ref" = 'opening_balance:' || c."id" || ':' || m."inventory_item_id"
FROM "shopify_connections" c
WHERE m."kind" = 'opening_balance' AND c."organization_id" = m."organization_id"
  AND m."source_ref" = 'opening_balance:' || m."inventory_item_id";
ALTER TABLE "inventory_movements" ENABLE TRIGGER "inventory_movements_immutable";
