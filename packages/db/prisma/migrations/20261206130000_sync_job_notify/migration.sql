-- Every change of a job a person can see (status, progress, counts) is announced on the channel
-- `shopify_sync_jobs`, whoever writes it. The payload is the job as the API shows it, so the web
-- process's one listening session can hand it to every open dashboard without a query.
CREATE FUNCTION "notify_shopify_sync_job"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('shopify_sync_jobs', json_build_object(
    'organization_id', NEW."organization_id",
    'id', NEW."id",
    'type', NEW."type",
    'status', NEW."status",
    'attempts', NEW."attempts",
    'max_attempts', NEW."max_attempts",
    'progress', NEW."progress",
    -- A notification holds at most 8000 bytes; the error's start says what went wrong.
    'last_error', left(NEW."last_error", 1000),
    'created_at', NEW."created_at",
    'started_at', NEW."started_at",
    'finished_at', NEW."finished_at",
    'rows_written', NEW."rows_written"
  )::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER "shopify_sync_jobs_notify_insert" AFTER INSERT ON "shopify_sync_jobs"
  FOR EACH ROW EXECUTE FUNCTION "notify_shopify_sync_job"();

-- Saving a running sync's internal state (bulk operation ids, cursors) is not announced.
CREATE TRIGGER "shopify_sync_jobs_notify_update" AFTER UPDATE ON "shopify_sync_jobs"
  FOR EACH ROW
  WHEN ((OLD."status", OLD."attempts", OLD."progress", OLD."last_error", OLD."started_at",
         OLD."finished_at", OLD."rows_written")
        IS DISTINCT FROM
        (NEW."status", NEW."attempts", NEW."progress", NEW."last_error", NEW."started_at",
         NEW."finished_at", NEW."rows_written"))
  EXECUTE FUNCTION "notify_shopify_sync_job"();
