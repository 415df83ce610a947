-- Adjustments say why stock was corrected (`correction`, `write_off`, `stocktake`, `sample`)
-- and may carry a note.
ALTER TABLE "inventory_movements" ADD COLUMN "reason" TEXT, ADD COLUMN "note" TEXT;
