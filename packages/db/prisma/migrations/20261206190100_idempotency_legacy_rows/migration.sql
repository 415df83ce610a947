-- Keys stored before bodies were compared hold the SKU where the body's hash belongs: they get
-- none (NULL), and a repetition under such a key answers the stored first answer.
ALTER TABLE "idempotent_requests" ALTER COLUMN "request_hash" DROP NOT NULL;
UPDATE "idempotent_requests" SET "request_hash" = NULL WHERE "request_hash" !~ '^[0-9a-f]{64}$';
