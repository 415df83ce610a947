-- pgp_sym_encrypt / pgp_sym_decrypt for Shopify tokens, gen_random_uuid for ids.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE "organizations" (
    "id" TEXT NOT NULL,
    "plan" TEXT NOT NULL DEFAULT 'free',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "organizations_plan_check" CHECK ("plan" IN ('free', 'pro', 'business'))
);

CREATE TABLE "shopify_oauth_states" (
    "id" UUID NOT NULL,
    "organization_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "used_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "shopify_oauth_states_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "shopify_oauth_states_expires_at_idx" ON "shopify_oauth_states"("expires_at");

CREATE TABLE "shopify_connections" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "scopes" TEXT NOT NULL,
    "api_version" TEXT NOT NULL,
    "access_token_encrypted" BYTEA NOT NULL,
    "access_token_expires_at" TIMESTAMPTZ(6),
    "refresh_token_encrypted" BYTEA,
    "refresh_token_expires_at" TIMESTAMPTZ(6),
    "inventory_location_id" BIGINT,
    "connected_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_synced_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "shopify_connections_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "shopify_connections_status_check" CHECK ("status" IN ('active', 'reauth_required', 'disconnected'))
);
CREATE UNIQUE INDEX "shopify_connections_organization_id_key" ON "shopify_connections"("organization_id");
CREATE UNIQUE INDEX "shopify_connections_shop_key" ON "shopify_connections"("shop");
CREATE INDEX "shopify_connections_status_last_synced_at_idx" ON "shopify_connections"("status", "last_synced_at");

CREATE TABLE "shopify_sync_cursors" (
    "connection_id" UUID NOT NULL,
    "resource" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT "shopify_sync_cursors_pkey" PRIMARY KEY ("connection_id", "resource")
);

CREATE TABLE "shopify_sync_jobs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" TEXT NOT NULL,
    "connection_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "requested_by" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL DEFAULT 5,
    "progress" JSONB NOT NULL DEFAULT '{}',
    "rows_written" JSONB NOT NULL DEFAULT '{}',
    "state" JSONB NOT NULL DEFAULT '{}',
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(6),
    "finished_at" TIMESTAMPTZ(6),
    CONSTRAINT "shopify_sync_jobs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "shopify_sync_jobs_type_check" CHECK ("type" IN ('full_sync', 'incremental_sync', 'inventory_push')),
    CONSTRAINT "shopify_sync_jobs_status_check" CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed'))
);
CREATE INDEX "shopify_sync_jobs_organization_id_type_created_at_idx" ON "shopify_sync_jobs"("organization_id", "type", "created_at");
CREATE INDEX "shopify_sync_jobs_connection_id_status_idx" ON "shopify_sync_jobs"("connection_id", "status");
-- Prisma cannot express partial indexes: this one makes "one queued job per connection and type"
-- a database guarantee, so concurrent requests dedupe onto the same job.
CREATE UNIQUE INDEX "shopify_sync_jobs_one_queued_key" ON "shopify_sync_jobs"("connection_id", "type") WHERE "status" = 'queued';

CREATE TABLE "shopify_locations" (
    "connection_id" UUID NOT NULL,
    "shopify_id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "is_primary" BOOLEAN NOT NULL DEFAULT false,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "raw" JSONB NOT NULL,
    "synced_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "shopify_locations_pkey" PRIMARY KEY ("connection_id", "shopify_id")
);

CREATE TABLE "shopify_products" (
    "connection_id" UUID NOT NULL,
    "shopify_id" BIGINT NOT NULL,
    "title" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "vendor" TEXT,
    "product_type" TEXT,
    "tags" TEXT[],
    "raw" JSONB NOT NULL,
    "shopify_created_at" TIMESTAMPTZ(6),
    "shopify_updated_at" TIMESTAMPTZ(6) NOT NULL,
    "synced_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "shopify_products_pkey" PRIMARY KEY ("connection_id", "shopify_id")
);
CREATE INDEX "shopify_products_connection_id_shopify_updated_at_idx" ON "shopify_products"("connection_id", "shopify_updated_at");

CREATE TABLE "shopify_product_variants" (
    "connection_id" UUID NOT NULL,
    "shopify_id" BIGINT NOT NULL,
    "product_id" BIGINT NOT NULL,
    "title" TEXT NOT NULL,
    "sku" TEXT,
    "price" DECIMAL(18,4),
    "inventory_item_id" BIGINT,
    "raw" JSONB NOT NULL,
    "shopify_updated_at" TIMESTAMPTZ(6),
    "synced_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "shopify_product_variants_pkey" PRIMARY KEY ("connection_id", "shopify_id")
);
CREATE INDEX "shopify_product_variants_connection_id_product_id_idx" ON "shopify_product_variants"("connection_id", "product_id");
CREATE INDEX "shopify_product_variants_connection_id_sku_idx" ON "shopify_product_variants"("connection_id", "sku");
CREATE INDEX "shopify_product_variants_connection_id_inventory_item_id_idx" ON "shopify_product_variants"("connection_id", "inventory_item_id");

CREATE TABLE "shopify_orders" (
    "connection_id" UUID NOT NULL,
    "shopify_id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "financial_status" TEXT,
    "fulfillment_status" TEXT,
    "total_price" DECIMAL(18,4),
    "subtotal_price" DECIMAL(18,4),
    "total_tax" DECIMAL(18,4),
    "currency" TEXT,
    "customer_id" BIGINT,
    "processed_at" TIMESTAMPTZ(6),
    "cancelled_at" TIMESTAMPTZ(6),
    "closed_at" TIMESTAMPTZ(6),
    "line_items" JSONB NOT NULL DEFAULT '[]',
    "raw" JSONB NOT NULL,
    "shopify_created_at" TIMESTAMPTZ(6),
    "shopify_updated_at" TIMESTAMPTZ(6) NOT NULL,
    "synced_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "shopify_orders_pkey" PRIMARY KEY ("connection_id", "shopify_id")
);
CREATE INDEX "shopify_orders_connection_id_shopify_updated_at_idx" ON "shopify_orders"("connection_id", "shopify_updated_at");
CREATE INDEX "shopify_orders_connection_id_customer_id_idx" ON "shopify_orders"("connection_id", "customer_id");

CREATE TABLE "shopify_fulfillments" (
    "connection_id" UUID NOT NULL,
    "shopify_id" BIGINT NOT NULL,
    "order_id" BIGINT NOT NULL,
    "status" TEXT NOT NULL,
    "tracking_company" TEXT,
    "tracking_numbers" TEXT[],
    "tracking_urls" TEXT[],
    "raw" JSONB NOT NULL,
    "shopify_created_at" TIMESTAMPTZ(6),
    "shopify_updated_at" TIMESTAMPTZ(6),
    "synced_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "shopify_fulfillments_pkey" PRIMARY KEY ("connection_id", "shopify_id")
);
CREATE INDEX "shopify_fulfillments_connection_id_order_id_idx" ON "shopify_fulfillments"("connection_id", "order_id");

CREATE TABLE "shopify_customers" (
    "connection_id" UUID NOT NULL,
    "shopify_id" BIGINT NOT NULL,
    "email" TEXT,
    "first_name" TEXT,
    "last_name" TEXT,
    "state" TEXT,
    "number_of_orders" BIGINT NOT NULL DEFAULT 0,
    "raw" JSONB NOT NULL,
    "shopify_created_at" TIMESTAMPTZ(6),
    "shopify_updated_at" TIMESTAMPTZ(6) NOT NULL,
    "synced_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "shopify_customers_pkey" PRIMARY KEY ("connection_id", "shopify_id")
);
CREATE INDEX "shopify_customers_connection_id_shopify_updated_at_idx" ON "shopify_customers"("connection_id", "shopify_updated_at");

CREATE TABLE "shopify_inventory_levels" (
    "connection_id" UUID NOT NULL,
    "inventory_item_id" BIGINT NOT NULL,
    "location_id" BIGINT NOT NULL,
    "shopify_id" BIGINT,
    "available" INTEGER NOT NULL,
    "on_hand" INTEGER,
    "raw" JSONB NOT NULL,
    "shopify_updated_at" TIMESTAMPTZ(6),
    "synced_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "shopify_inventory_levels_pkey" PRIMARY KEY ("connection_id", "inventory_item_id", "location_id")
);

CREATE TABLE "rate_limits" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,
    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);

CREATE TABLE "plan_usage" (
    "organization_id" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "manual_syncs" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "plan_usage_pkey" PRIMARY KEY ("organization_id", "day")
);

CREATE TABLE "idempotent_requests" (
    "organization_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status_code" INTEGER NOT NULL,
    "response" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "idempotent_requests_pkey" PRIMARY KEY ("organization_id", "key")
);

CREATE TABLE "inventory_items" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "title" TEXT,
    "shopify_variant_id" BIGINT,
    "last_pushed_quantity" INTEGER,
    "last_pushed_at" TIMESTAMPTZ(6),
    "push_status" TEXT,
    "push_error" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "inventory_items_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "inventory_items_organization_id_sku_key" ON "inventory_items"("organization_id", "sku");

CREATE TABLE "inventory_movements" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" TEXT NOT NULL,
    "inventory_item_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "delta" INTEGER NOT NULL,
    "source_ref" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(6) NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "inventory_movements_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "inventory_movements_kind_check" CHECK ("kind" IN ('opening_balance', 'packaging', 'shopify_order', 'shopify_order_cancelled', 'adjustment'))
);
CREATE UNIQUE INDEX "inventory_movements_organization_id_source_ref_key" ON "inventory_movements"("organization_id", "source_ref");
CREATE INDEX "inventory_movements_inventory_item_id_idx" ON "inventory_movements"("inventory_item_id");

ALTER TABLE "shopify_oauth_states" ADD CONSTRAINT "shopify_oauth_states_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "shopify_connections" ADD CONSTRAINT "shopify_connections_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "shopify_sync_cursors" ADD CONSTRAINT "shopify_sync_cursors_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "shopify_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "shopify_sync_jobs" ADD CONSTRAINT "shopify_sync_jobs_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "shopify_sync_jobs" ADD CONSTRAINT "shopify_sync_jobs_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "shopify_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "shopify_locations" ADD CONSTRAINT "shopify_locations_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "shopify_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "shopify_products" ADD CONSTRAINT "shopify_products_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "shopify_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "shopify_product_variants" ADD CONSTRAINT "shopify_product_variants_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "shopify_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "shopify_orders" ADD CONSTRAINT "shopify_orders_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "shopify_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "shopify_fulfillments" ADD CONSTRAINT "shopify_fulfillments_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "shopify_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "shopify_customers" ADD CONSTRAINT "shopify_customers_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "shopify_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "shopify_inventory_levels" ADD CONSTRAINT "shopify_inventory_levels_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "shopify_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "plan_usage" ADD CONSTRAINT "plan_usage_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "idempotent_requests" ADD CONSTRAINT "idempotent_requests_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "inventory_items" ADD CONSTRAINT "inventory_items_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "inventory_movements" ADD CONSTRAINT "inventory_movements_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "inventory_movements" ADD CONSTRAINT "inventory_movements_inventory_item_id_fkey" FOREIGN KEY ("inventory_item_id") REFERENCES "inventory_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;
