-- `json` keeps the stored answer as it was written (jsonb reorders keys).
ALTER TABLE "idempotent_requests" ALTER COLUMN "response" SET DATA TYPE JSON;
