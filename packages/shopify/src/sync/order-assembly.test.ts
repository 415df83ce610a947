import { describe, expect, it } from "vitest";
import type { Row } from "./mirror-rows.ts";
import { OrderAssembly } from "./order-assembly.ts";

function assembly(size: number) {
  const emitted: Row[] = [];
  const late: Row[] = [];
  const orders = new OrderAssembly({
    size,
    emit: (row) => void emitted.push(row),
    late: (row) => void late.push(row),
  });
  return { orders, emitted, late };
}

const order = (id: string, updatedAt = "2026-11-02T10:00:00Z", name = id) => ({
  shopify_id: id,
  name,
  shopify_updated_at: updatedAt,
});
const lineItem = (orderId: string, id: number, quantity = 1) => ({
  order_id: orderId,
  item: { id, quantity },
});

describe("OrderAssembly", () => {
  it("puts line items into their waiting order, sorted and each once (its last copy)", async () => {
    const { orders, emitted, late } = assembly(2);
    orders.order(order("1"));
    orders.lineItem(lineItem("1", 12));
    orders.order(order("2"));
    orders.lineItem(lineItem("1", 11));
    orders.lineItem(lineItem("1", 12, 5)); // repeated by the file
    orders.lineItem(lineItem("2", 21));
    expect(emitted).toEqual([]);
    orders.order(order("3")); // the window is full: the oldest leaves
    expect(emitted.map((row) => [row.shopify_id, row.line_items])).toEqual([
      [
        "1",
        [
          { id: 11, quantity: 1 },
          { id: 12, quantity: 5 },
        ],
      ],
    ]);
    orders.lineItem(lineItem("1", 13)); // its order has left
    await orders.flush();
    expect(emitted.map((row) => row.shopify_id)).toEqual(["1", "2", "3"]);
    expect(emitted[1]?.line_items).toEqual([{ id: 21, quantity: 1 }]);
    expect(emitted[2]?.line_items).toEqual([]);
    expect(late).toEqual([lineItem("1", 13)]);
  });

  it("keeps the newer copy of an order the file repeats, with the line items found so far", async () => {
    const { orders, emitted } = assembly(4);
    orders.order(order("1", "2026-11-02T10:00:00Z", "new"));
    orders.lineItem(lineItem("1", 11));
    orders.order(order("1", "2026-11-01T10:00:00Z", "old"));
    orders.lineItem(lineItem("1", 12));
    await orders.flush();
    expect(emitted).toEqual([
      {
        ...order("1", "2026-11-02T10:00:00Z", "new"),
        line_items: [
          { id: 11, quantity: 1 },
          { id: 12, quantity: 1 },
        ],
      },
    ]);
  });
});
