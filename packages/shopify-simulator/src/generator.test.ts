import { describe, expect, it } from "vitest";
import { Clock } from "./clock.ts";
import { populateShop } from "./generator.ts";
import { onHand } from "./records.ts";
import { createShopState, type ShopState } from "./store.ts";

const clock = new Clock(() => new Date("2026-11-26T10:00:00Z"));

function generate(
  seed: number,
  size: { products: number; customers: number; orders: number; locations?: number },
): ShopState {
  const shop = createShopState(
    { domain: "gen.myshopify.com", plan: "basic", bulkDelayMs: 0 },
    1,
    clock,
  );
  populateShop(shop, seed, size, clock);
  return shop;
}

describe("generator", () => {
  it("is deterministic for a seed", () => {
    const fingerprint = (shop: ShopState) =>
      JSON.stringify([
        shop.products.items.map((p) => [
          p.id,
          p.title,
          p.updatedAt,
          p.variants.map((v) => [v.sku, v.price]),
        ]),
        shop.orders.items.map((o) => [
          o.name,
          o.createdAt,
          o.lineItems.map((l) => [l.sku, l.quantity]),
          o.fulfillments.length,
        ]),
        shop.customers.items.map((c) => c.email),
        [...shop.inventoryLevels.values()].map((l) => l.amounts.available),
      ]);
    const size = { products: 40, customers: 30, orders: 80 };
    expect(fingerprint(generate(5, size))).toBe(fingerprint(generate(5, size)));
    expect(fingerprint(generate(6, size))).not.toBe(fingerprint(generate(5, size)));
  });

  it("builds a roastery's catalogue, orders and stock", () => {
    const shop = generate(1, { products: 300, customers: 200, orders: 2000, locations: 3 });
    expect(shop.locations.items.filter((l) => l.isPrimary)).toHaveLength(1);
    expect(shop.products.items[0]?.title).toBe("Brasil Cerrado");
    expect(shop.products.items[1]?.title).toBe("Brasil Santos 1 kg");
    const skus = shop.variants.items.map((v) => v.sku);
    expect(skus).toContain("BRA-CER-1000-B");
    expect(skus).toContain("BRA-SAN-1000-E");
    const withSku = skus.filter(Boolean);
    expect(new Set(withSku).size).toBe(withSku.length);
    expect(1 - withSku.length / skus.length).toBeGreaterThan(0.005);
    expect(1 - withSku.length / skus.length).toBeLessThan(0.04);
    expect(shop.variants.items.every((v) => v.inventoryItem.inventoryLevels.length === 3)).toBe(
      true,
    );

    const orders = shop.orders.items;
    expect(orders.every((o) => o.lineItems.length >= 1 && o.lineItems.length <= 4)).toBe(true);
    const share = (test: (o: (typeof orders)[number]) => boolean) =>
      orders.filter(test).length / orders.length;
    expect(share((o) => o.fulfillments.length > 0)).toBeGreaterThan(0.6);
    expect(share((o) => o.fulfillments.length > 0)).toBeLessThan(0.75);
    expect(share((o) => o.cancelledAt !== null)).toBeGreaterThan(0.01);
    expect(share((o) => o.cancelledAt !== null)).toBeLessThan(0.06);
    // Stock committed to open orders is what those orders still have to ship.
    const open = new Map<string, number>();
    for (const order of orders) {
      for (const line of order.lineItems) {
        const key = line.variant?.inventoryItem.id ?? "";
        open.set(key, (open.get(key) ?? 0) + line.unfulfilledQuantity);
      }
    }
    for (const level of shop.inventoryLevels.values()) {
      expect(level.amounts.committed).toBe(
        level.location.isPrimary ? (open.get(level.item.id) ?? 0) : 0,
      );
      expect(level.amounts.available).toBeGreaterThanOrEqual(0);
      expect(onHand(level.amounts)).toBe(level.amounts.available + level.amounts.committed);
    }
    expect(orders.every((o, i) => i === 0 || (orders[i - 1]?.createdAt ?? "") <= o.createdAt)).toBe(
      true,
    );
  });

  // Its speed is no goal of the suite (a wall-clock bound fails on a busy machine); the sync
  // benchmark generates shops of this size and more.
  it("generates a big shop", () => {
    const shop = generate(2, { products: 10_000, customers: 50_000, orders: 100_000 });
    expect(shop.variants.size).toBe(30_000);
    expect(shop.orders.size).toBe(100_000);
    expect(shop.customers.size).toBe(50_000);
  }, 120_000);
});
