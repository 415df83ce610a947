import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frozenNow, SHOP, startWithShop, type TestSimulator } from "./test-helpers.ts";

let t: TestSimulator;

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${t.sim.url}/_control${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: control answers are read ad hoc.
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}

beforeAll(async () => {
  t = await startWithShop({ now: frozenNow }, { products: 4, orders: 3, customers: 3 });
});
afterAll(() => t.sim.close());

describe("control API over HTTP", () => {
  it("creates shops with a generated catalogue and validates input with zod", async () => {
    const created = await control("POST", "/shops", {
      domain: "Kaffee-Kontor.myshopify.com",
      seed: 3,
      products: 5,
      customers: 4,
      orders: 6,
      locations: 2,
      plan: "plus",
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      domain: "kaffee-kontor.myshopify.com",
      plan: "plus",
      throttle: { maximumAvailable: 20000, restoreRate: 1000 },
      counts: { products: 5, variants: 15, customers: 4, orders: 6, locations: 2 },
    });
    expect(
      (await control("POST", "/shops", { domain: "kaffee-kontor.myshopify.com" })).status,
    ).toBe(409);
    const invalid = await control("POST", "/shops", { domain: "evil.example.com", products: -1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe("invalid_request");
    expect(invalid.body.error.issues.map((i: { path: string[] }) => i.path[0]).sort()).toEqual([
      "domain",
      "products",
    ]);
    expect(
      (await control("GET", "/shops")).body.map((s: { domain: string }) => s.domain),
    ).toContain("kaffee-kontor.myshopify.com");
    expect((await control("DELETE", "/shops/kaffee-kontor.myshopify.com")).status).toBe(204);
    expect((await control("GET", "/shops/kaffee-kontor.myshopify.com")).status).toBe(404);
  });

  it("changes products and variants, bumping updatedAt so incremental syncs see it", async () => {
    const product = (
      await control("POST", `/shops/${SHOP}/products`, {
        title: "Kolumbien Huila Geisha",
        variants: [
          { option: "250 g", sku: "COL-HUI-G-250-B", price: "19.90", available: [5, 0] },
          { option: "1 kg", sku: "COL-HUI-G-1000-B", price: 64.9 },
        ],
      })
    ).body;
    expect(product.variants.map((v: { price: string }) => v.price)).toEqual(["19.90", "64.90"]);
    expect(
      (await control("GET", `/shops/${SHOP}/inventory?sku=COL-HUI-G-250-B`)).body[0].quantities
        .available,
    ).toBe(5);

    await control("POST", "/clock", { advanceMs: 90_000 });
    const updated = await control(
      "PATCH",
      `/shops/${SHOP}/products/${encodeURIComponent(product.id)}`,
      { status: "DRAFT" },
    );
    expect(updated.body.updatedAt > product.updatedAt).toBe(true);
    const variant = await control(
      "PATCH",
      `/shops/${SHOP}/variants/${product.variants[0].id.split("/").pop()}`,
      {
        sku: "COL-HUI-G-250-F",
        price: "21.00",
      },
    );
    expect(variant.body.variants[0]).toMatchObject({ sku: "COL-HUI-G-250-F", price: "21.00" });
    const { body } = await t.gql(
      `{ products(first: 5, query: "updated_at:>'${product.updatedAt}'") { nodes { id status } } }`,
    );
    expect(body.data.products.nodes).toEqual([{ id: product.id, status: "DRAFT" }]);

    expect(
      (
        await control(
          "DELETE",
          `/shops/${SHOP}/variants/${encodeURIComponent(product.variants[1].id)}`,
        )
      ).status,
    ).toBe(204);
    expect(
      (await control("DELETE", `/shops/${SHOP}/products/${encodeURIComponent(product.id)}`)).status,
    ).toBe(204);
    expect(
      (await control("DELETE", `/shops/${SHOP}/products/${encodeURIComponent(product.id)}`)).status,
    ).toBe(404);
  });

  it("creates and updates customers, places, fulfils and cancels orders", async () => {
    const customer = (
      await control("POST", `/shops/${SHOP}/customers`, {
        firstName: "Greta",
        lastName: "Röster",
        email: "greta@example.com",
      })
    ).body;
    const renamed = await control(
      "PATCH",
      `/shops/${SHOP}/customers/${encodeURIComponent(customer.id)}`,
      { state: "DISABLED" },
    );
    expect(renamed.body).toMatchObject({ state: "DISABLED", email: "greta@example.com" });

    const [level] = (await control("GET", `/shops/${SHOP}/inventory`)).body.filter(
      (l: { sku: string }) => l.sku,
    );
    const order = await control("POST", `/shops/${SHOP}/orders`, {
      lineItems: [{ sku: level.sku, quantity: 2 }],
      customerId: customer.id,
    });
    expect(order.body).toMatchObject({
      customerId: customer.id,
      displayFulfillmentStatus: "UNFULFILLED",
    });
    const shipped = await control(
      "POST",
      `/shops/${SHOP}/orders/${encodeURIComponent(order.body.id)}/fulfill`,
      {
        trackingNumber: "00340434161094042557",
      },
    );
    expect(shipped.body.fulfillments[0].trackingInfo[0].number).toBe("00340434161094042557");
    expect(
      (
        await control(
          "POST",
          `/shops/${SHOP}/orders/${encodeURIComponent(order.body.id)}/fulfill`,
          {},
        )
      ).status,
    ).toBe(409);

    const second = await control("POST", `/shops/${SHOP}/orders`, {
      lineItems: [{ sku: level.sku, quantity: 1 }],
    });
    const cancelled = await control(
      "POST",
      `/shops/${SHOP}/orders/${encodeURIComponent(second.body.id)}/cancel`,
      {
        reason: "INVENTORY",
      },
    );
    expect(cancelled.body.cancelledAt).not.toBeNull();
    const badOrder = await control("POST", `/shops/${SHOP}/orders`, {
      lineItems: [{ sku: "NOPE", quantity: 1 }],
    });
    expect(badOrder.status).toBe(404);
  });

  it("reads and sets inventory, the clock, faults, tokens and the request log", async () => {
    const [level] = (await control("GET", `/shops/${SHOP}/inventory`)).body;
    const set = await control("PUT", `/shops/${SHOP}/inventory`, {
      inventoryItemId: level.inventoryItemId,
      locationId: level.locationId,
      quantity: 77,
    });
    expect(set.body.quantities.available).toBe(77);

    const clock = await control("POST", "/clock", { set: "2027-01-01T00:00:00Z" });
    expect(clock.body.now).toBe("2027-01-01T00:00:00.000Z");
    expect((await control("GET", "/clock")).body.now).toBe("2027-01-01T00:00:00.000Z");

    expect((await control("PUT", `/shops/${SHOP}/faults`, { http503: 2 })).status).toBe(400);
    expect((await control("PUT", `/shops/${SHOP}/faults`, { always: "http503" })).body.always).toBe(
      "http503",
    );
    expect((await t.gql("{ shop { name } }")).status).toBe(503);
    expect((await control("DELETE", `/shops/${SHOP}/faults`)).body.always).toBeNull();

    const token = (
      await control("POST", `/shops/${SHOP}/tokens`, { scope: "read_products", expiring: true })
    ).body;
    expect(token).toMatchObject({ scope: "read_products", expires_in: 3600 });
    expect(
      (await control("POST", `/shops/${SHOP}/tokens/expire`, { token: token.access_token })).body,
    ).toEqual({ expired: 1 });
    expect(
      (await control("DELETE", `/shops/${SHOP}/tokens`, { token: token.refresh_token })).body,
    ).toEqual({ revoked: 1 });

    const requests = (await control("GET", `/requests?shop=${SHOP}`)).body;
    expect(requests.at(-1)).toMatchObject({ shop: SHOP, status: 503, fault: "http503" });
    expect((await control("DELETE", "/requests")).status).toBe(204);
    expect((await control("GET", "/requests")).body).toEqual([]);
    expect((await control("GET", "/nothing-here")).status).toBe(404);
    expect((await control("PUT", "/clock", {})).status).toBe(405);
  });
});
