-- Orders whose line items the stock ledger has yet to book; existing orders are booked once more
-- (idempotent: every movement has a unique source reference).
ALTER TABLE "shopify_orders" ADD COLUMN "ledger_pending" BOOLEAN NOT NULL DEFAULT true;

CREATE INDEX "shopify_orders_connection_id_ledger_pending_idx" ON "shopify_orders"("connection_id", "ledger_pending");
