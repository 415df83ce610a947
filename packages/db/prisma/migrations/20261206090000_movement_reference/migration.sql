-- A packaging's reference (e.g. the roast batch) gets a column of its own: encoded into
-- `source_ref` together with the idempotency key, two different requests could collide.
ALTER TABLE "inventory_movements" ADD COLUMN "reference" TEXT;
