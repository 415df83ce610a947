-- Returns of mirrored orders with what their reverse fulfillment orders disposed of how:
-- `dispositions` holds each disposition with its id, type, quantity, location, line item and
-- variant (a disposition does not change; a return may gain some until it closes), `refund_ids`
-- the refunds that paid for it. `ledger_seq` orders it with what else the mirror saw.
CREATE TABLE "shopify_returns" (
    "connection_id" UUID NOT NULL,
    "shopify_id" BIGINT NOT NULL,
    "order_id" BIGINT NOT NULL,
    "status" TEXT NOT NULL,
    "dispositions" JSONB NOT NULL DEFAULT '[]',
    "refund_ids" JSONB NOT NULL DEFAULT '[]',
    "raw" JSONB NOT NULL,
    "synced_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ledger_seq" BIGINT NOT NULL DEFAULT nextval('shopify_orders_ledger_seq_seq'),
    CONSTRAINT "shopify_returns_pkey" PRIMARY KEY ("connection_id", "shopify_id")
);

CREATE INDEX "shopify_returns_connection_id_order_id_idx" ON "shopify_returns"("connection_id", "order_id");

ALTER TABLE "shopify_returns" ADD CONSTRAINT "shopify_returns_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "shopify_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A returned unit restocked by a return's disposition is a movement of its own.
ALTER TABLE "inventory_movements" DROP CONSTRAINT "inventory_movements_kind_check";
ALTER TABLE "inventory_movements" ADD CONSTRAINT "inventory_movements_kind_check" CHECK ("kind" IN ('opening_balance', 'packaging', 'adjustment', 'shopify_order', 'shopify_order_cancelled', 'shopify_order_edit', 'shopify_refund', 'shopify_return'));
