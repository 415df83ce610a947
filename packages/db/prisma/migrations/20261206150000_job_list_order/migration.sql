-- The job list pages through an organisation's jobs newest first, by (created_at, id).
CREATE INDEX "shopify_sync_jobs_organization_id_created_at_id_idx"
  ON "shopify_sync_jobs" ("organization_id", "created_at", "id");
