-- A movement's SKU belongs to the movement's organisation, checked by one foreign key instead
-- of two that checked each half on its own (the organisation follows from the SKU's own key).
CREATE UNIQUE INDEX "inventory_items_organization_id_id_key" ON "inventory_items"("organization_id", "id");

ALTER TABLE "inventory_movements" DROP CONSTRAINT "inventory_movements_organization_id_fkey";
ALTER TABLE "inventory_movements" DROP CONSTRAINT "inventory_movements_inventory_item_id_fkey";
ALTER TABLE "inventory_movements" ADD CONSTRAINT "inventory_movements_organization_id_inventory_item_id_fkey"
  FOREIGN KEY ("organization_id", "inventory_item_id") REFERENCES "inventory_items"("organization_id", "id")
  ON DELETE CASCADE ON UPDATE CASCADE;
