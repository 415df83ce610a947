-- A job stopped by a cancel, an uninstall or a disconnect ends `cancelled`.
ALTER TABLE "shopify_sync_jobs" DROP CONSTRAINT "shopify_sync_jobs_status_check";
ALTER TABLE "shopify_sync_jobs" ADD CONSTRAINT "shopify_sync_jobs_status_check"
  CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'));
