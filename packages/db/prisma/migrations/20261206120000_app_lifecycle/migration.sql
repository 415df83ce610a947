-- A shop is unique among the connections that are not `disconnected`: after an uninstall any
-- organisation may connect it again while the old row (and its mirrors) waits for shop/redact.
-- Partial, so Prisma cannot express it; the plain index serves lookups of all of a shop's rows.
DROP INDEX "shopify_connections_shop_key";
CREATE UNIQUE INDEX "shopify_connections_shop_connected_key" ON "shopify_connections"("shop")
  WHERE "status" <> 'disconnected';
CREATE INDEX "shopify_connections_shop_idx" ON "shopify_connections"("shop");

-- A disconnected connection keeps no tokens.
ALTER TABLE "shopify_connections" ALTER COLUMN "access_token_encrypted" DROP NOT NULL;

-- Every accepted webhook delivery, one row per event. `payload` goes with shop/redact; the rest
-- stays as the audit trail.
CREATE TABLE "shopify_webhook_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "event_id" TEXT NOT NULL,
    "webhook_id" TEXT,
    "topic" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "api_version" TEXT,
    "triggered_at" TIMESTAMPTZ(6),
    "payload" JSONB,
    "received_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(6),
    "error" TEXT,
    CONSTRAINT "shopify_webhook_events_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "shopify_webhook_events_event_id_key" ON "shopify_webhook_events"("event_id");
CREATE INDEX "shopify_webhook_events_shop_received_at_idx" ON "shopify_webhook_events"("shop", "received_at");

-- What a customers/data_request asked for, and the export kept for the organisation.
CREATE TABLE "shopify_data_requests" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" TEXT NOT NULL,
    "connection_id" UUID NOT NULL,
    "event_id" TEXT NOT NULL,
    "shopify_request_id" TEXT,
    "customer_id" BIGINT,
    "customer_email" TEXT,
    "export" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "shopify_data_requests_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "shopify_data_requests_event_id_connection_id_key" ON "shopify_data_requests"("event_id", "connection_id");
CREATE INDEX "shopify_data_requests_organization_id_received_at_idx" ON "shopify_data_requests"("organization_id", "received_at");
ALTER TABLE "shopify_data_requests" ADD CONSTRAINT "shopify_data_requests_organization_id_fkey"
  FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "shopify_data_requests" ADD CONSTRAINT "shopify_data_requests_connection_id_fkey"
  FOREIGN KEY ("connection_id") REFERENCES "shopify_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
