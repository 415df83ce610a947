-- While false, nothing is pushed to the shop; stock is still booked.
ALTER TABLE "shopify_connections" ADD COLUMN "inventory_push_enabled" BOOLEAN NOT NULL DEFAULT true;
