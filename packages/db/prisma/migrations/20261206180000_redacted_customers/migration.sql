-- customers/redact stays in effect: a sync skips these customers and scrubs their orders, while
-- Shopify may still return their data. Ids only, no personal data.
CREATE TABLE "shopify_redacted_customers" (
    "connection_id" UUID NOT NULL,
    "customer_id" BIGINT NOT NULL,
    "redacted_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "shopify_redacted_customers_pkey" PRIMARY KEY ("connection_id", "customer_id")
);
ALTER TABLE "shopify_redacted_customers" ADD CONSTRAINT "shopify_redacted_customers_connection_id_fkey"
  FOREIGN KEY ("connection_id") REFERENCES "shopify_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
