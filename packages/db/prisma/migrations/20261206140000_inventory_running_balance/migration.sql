-- Each SKU keeps its running balance, so stock and push targets never sum its history.
ALTER TABLE "inventory_items" ADD COLUMN "available" INTEGER NOT NULL DEFAULT 0;

UPDATE "inventory_items" i SET "available" = s."total"
FROM (SELECT "inventory_item_id", sum("delta")::int AS "total"
      FROM "inventory_movements" GROUP BY "inventory_item_id") s
WHERE i."id" = s."inventory_item_id";

-- Every statement that books movements moves the balances of their SKUs in the same transaction,
-- whichever code wrote them (a packaging, an adjustment, the ledger's set-based bookings, a COPY).
-- The SKUs' rows are locked in one order first: two statements booking the same SKUs wait for
-- each other instead of deadlocking, and a reader holding a SKU's lock sees its final balance.
CREATE FUNCTION "inventory_balance_follows_movements"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "inventory_items"
  WHERE "id" IN (SELECT "inventory_item_id" FROM "booked") ORDER BY "id" FOR UPDATE;
  UPDATE "inventory_items" i SET "available" = i."available" + b."delta"
  FROM (SELECT "inventory_item_id", sum("delta")::int AS "delta"
        FROM "booked" GROUP BY "inventory_item_id") b
  WHERE i."id" = b."inventory_item_id";
  RETURN NULL;
END
$$;

CREATE TRIGGER "inventory_movements_move_balance" AFTER INSERT ON "inventory_movements"
REFERENCING NEW TABLE AS "booked" FOR EACH STATEMENT
EXECUTE FUNCTION "inventory_balance_follows_movements"();

-- Movements are never changed: the balance is their sum only as long as they stay as booked.
CREATE FUNCTION "inventory_movements_are_immutable"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'inventory movements are never updated';
END
$$;

CREATE TRIGGER "inventory_movements_immutable" BEFORE UPDATE ON "inventory_movements"
FOR EACH STATEMENT EXECUTE FUNCTION "inventory_movements_are_immutable"();
