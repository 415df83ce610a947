-- One sequence orders what the mirror saw, so an opening balance covers the orders and
-- cancellations seen before it without a movement per line item.
ALTER TABLE "shopify_orders" ADD COLUMN "ledger_seq" BIGSERIAL NOT NULL,
ADD COLUMN "cancel_seq" BIGINT;

UPDATE "shopify_orders" SET "cancel_seq" = "ledger_seq" WHERE "cancelled_at" IS NOT NULL;

ALTER TABLE "inventory_movements" ADD COLUMN "covers_order_seq" BIGINT;

-- Openings made before this migration booked what they cover as zero-delta movements.
UPDATE "inventory_movements" SET "covers_order_seq" = nextval('shopify_orders_ledger_seq_seq')
WHERE "kind" = 'opening_balance';
