-- Orders whose line items the stock ledger has yet to book. The orders already mirrored are
-- booked once more (idempotent: every movement has a unique source reference).
CREATE TABLE "ledger_pending_orders" (
    "connection_id" UUID NOT NULL,
    "order_id" BIGINT NOT NULL,
    CONSTRAINT "ledger_pending_orders_pkey" PRIMARY KEY ("connection_id", "order_id")
);

ALTER TABLE "ledger_pending_orders" ADD CONSTRAINT "ledger_pending_orders_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "shopify_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

INSERT INTO "ledger_pending_orders" ("connection_id", "order_id")
SELECT "connection_id", "shopify_id" FROM "shopify_orders";
