import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frozenNow, graphql, SHOP, startWithShop, type TestSimulator } from "../test-helpers.ts";

let t: TestSimulator;

beforeAll(async () => {
  t = await startWithShop({ now: frozenNow }, { products: 30, orders: 40 });
});
afterAll(() => t.sim.close());

describe("validation against the real 2026-10 schema", () => {
  it("rejects a misspelled field as Shopify does, with HTTP 200", async () => {
    const { status, body } = await t.gql("{ products(first: 1) { nodes { titel } } }");
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: "Field 'titel' doesn't exist on type 'Product'",
        locations: [{ line: 1, column: 32 }],
        extensions: { code: "undefinedField", typeName: "Product", fieldName: "titel" },
      },
    ]);
  });

  it("rejects unknown arguments, missing arguments and syntax errors", async () => {
    const unknown = await t.gql("{ products(first: 1, sort: ID) { nodes { id } } }");
    expect(unknown.body.errors[0].extensions.code).toBe("argumentNotAccepted");
    const missing = await t.gql("{ product { id } }");
    expect(missing.body.errors[0]).toMatchObject({
      message: "Field 'product' is missing required arguments: id",
      extensions: { code: "missingRequiredArguments" },
    });
    const syntax = await t.gql("{ shop { name ");
    expect(syntax.body.errors[0].extensions.code).toBe("parseError");
  });

  it("requires first or last on connections and caps them at 250", async () => {
    const none = await t.gql("{ products { nodes { id } } }");
    expect(none.body.errors[0]).toMatchObject({
      message: "you must provide one of first or last",
      path: ["products"],
    });
    const tooMany = await t.gql("{ products(first: 251) { nodes { id } } }");
    expect(tooMany.body.errors[0].message).toContain("cannot exceed 250");
    expect(tooMany.body.data).toBeUndefined();
    const viaVariable = await t.gql("query($n: Int) { products(first: $n) { nodes { id } } }", {
      n: 300,
    });
    expect(viaVariable.body.errors[0].message).toContain("cannot exceed 250");
    const ok = await t.gql("{ products(first: 250) { nodes { id } } }");
    expect(ok.body.data.products.nodes).toHaveLength(30);
  });

  it("refuses a query above the single-query cost limit", async () => {
    const { body } = await t.gql(
      "{ products(first: 250) { nodes { variants(first: 10) { nodes { id } } } } }",
    );
    expect(body.errors[0].extensions).toMatchObject({
      code: "MAX_COST_EXCEEDED",
      cost: 3252,
      maxCost: 1000,
    });
  });

  it("reports invalid variables", async () => {
    const { body } = await t.gql("query($id: ID!) { product(id: $id) { id } }", {});
    expect(body.errors[0].extensions.code).toBe("INVALID_VARIABLE");
  });
});

describe("authentication and routing", () => {
  it("answers 401 for a wrong token and 404 for an unknown shop", async () => {
    const wrong = await graphql(t.sim.url, "shpat_wrong", "{ shop { name } }");
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
    });
    const unknown = await graphql(
      t.sim.url,
      t.token,
      "{ shop { name } }",
      {},
      "nowhere.myshopify.com",
    );
    expect(unknown.status).toBe(404);
  });

  it("takes the shop from a *.myshopify.com Host header too", async () => {
    // fetch() does not let a caller set Host, so this one goes through node:http.
    const { port } = new URL(t.sim.url);
    const response = await new Promise<{ body: string; version: unknown }>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/admin/api/2026-10/graphql.json",
          headers: {
            Host: SHOP,
            "Content-Type": "application/json",
            "X-Shopify-Access-Token": t.token,
          },
        },
        (res) => {
          let body = "";
          res.on("data", (chunk) => {
            body += chunk;
          });
          res.on("end", () => resolve({ body, version: res.headers["x-shopify-api-version"] }));
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ query: "{ shop { myshopifyDomain } }" }));
    });
    expect(JSON.parse(response.body).data).toEqual({ shop: { myshopifyDomain: SHOP } });
    expect(response.version).toBe("2026-10");
  });

  it("denies fields the token has no scope for", async () => {
    const token = t.sim.createAccessToken(SHOP, { scope: "read_products" }).access_token;
    const allowed = await graphql(t.sim.url, token, "{ products(first: 1) { nodes { id } } }");
    expect(allowed.body.data.products.nodes).toHaveLength(1);
    const { body } = await graphql(t.sim.url, token, "{ orders(first: 1) { nodes { id } } }");
    expect(body.data).toBeNull();
    expect(body.errors[0]).toMatchObject({
      path: ["orders"],
      extensions: { code: "ACCESS_DENIED", requiredAccess: "`read_orders` access scope." },
    });
  });
});

describe("shop, locations and nodes", () => {
  it("answers shop settings and the primary location", async () => {
    const { body } = await t.gql(`{
      shop { name myshopifyDomain currencyCode ianaTimezone plan { publicDisplayName } primaryDomain { host } }
      location { id name isActive }
      locations(first: 5) { nodes { id name } }
    }`);
    expect(body.data.shop).toMatchObject({
      myshopifyDomain: SHOP,
      currencyCode: "EUR",
      ianaTimezone: "Europe/Berlin",
    });
    expect(body.data.location.name).toBe("Rösterei Leipzig");
    expect(body.data.locations.nodes.map((l: { id: string }) => l.id)).toContain(
      body.data.location.id,
    );
  });

  it("resolves node and nodes by GID, with the right __typename", async () => {
    const first = (
      await t.gql("{ products(first: 1) { nodes { id variants(first: 1) { nodes { id } } } } }")
    ).body.data.products.nodes[0];
    const { body } = await t.gql(
      `query($id: ID!, $ids: [ID!]!) {
        node(id: $id) { __typename id ... on Product { title } }
        nodes(ids: $ids) { __typename id }
      }`,
      { id: first.id, ids: [first.variants.nodes[0].id, "gid://shopify/Product/1"] },
    );
    expect(body.data.node).toMatchObject({ __typename: "Product", id: first.id });
    expect(body.data.nodes).toEqual([
      { __typename: "ProductVariant", id: first.variants.nodes[0].id },
      null,
    ]);
  });

  it("reports fields the simulator does not fill instead of inventing data", async () => {
    for (const query of [
      "{ shop { name features { giftCards } } }",
      "{ shop { name shipsToCountries } }",
    ]) {
      const { body } = await t.gql(query);
      expect(body.errors[0]).toMatchObject({
        message: expect.stringMatching(/^Shop\.\w+ is not simulated by the Shopify simulator\.$/),
        extensions: { code: "NOT_SIMULATED" },
        path: ["shop", expect.any(String)],
      });
    }
  });
});

describe("pagination", () => {
  const page = `query($first: Int, $last: Int, $after: String, $before: String, $reverse: Boolean) {
    products(first: $first, last: $last, after: $after, before: $before, reverse: $reverse) {
      edges { cursor node { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;

  it("pages forward with first/after until hasNextPage is false", async () => {
    const ids: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { body } = await t.gql(page, { first: 7, after });
      const { edges, pageInfo } = body.data.products;
      expect(pageInfo.hasPreviousPage).toBe(pages > 0);
      expect(pageInfo.endCursor).toBe(edges.at(-1).cursor);
      ids.push(...edges.map((e: { node: { id: string } }) => e.node.id));
      pages++;
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(pages).toBe(5);
    expect(new Set(ids).size).toBe(30);
    const numbers = ids.map((id) => Number(id.split("/").pop()));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });

  it("pages backward with last/before and honours reverse", async () => {
    const all = (await t.gql(page, { first: 30 })).body.data.products.edges.map(
      (e: { node: { id: string } }) => e.node.id,
    );
    const tail = (await t.gql(page, { last: 5 })).body.data.products;
    expect(tail.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(all.slice(25));
    expect(tail.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const before = (await t.gql(page, { last: 5, before: tail.pageInfo.startCursor })).body.data
      .products;
    expect(before.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(all.slice(20, 25));
    const reversed = (await t.gql(page, { first: 3, reverse: true })).body.data.products;
    expect(reversed.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(
      all.slice(-3).reverse(),
    );
  });

  it("uses Shopify-style cursors and rejects garbage ones", async () => {
    const { body } = await t.gql(page, { first: 1 });
    const cursor = JSON.parse(Buffer.from(body.data.products.edges[0].cursor, "base64").toString());
    expect(cursor).toEqual({ last_id: expect.any(Number), last_value: expect.any(Number) });
    const bad = await t.gql(page, { first: 1, after: "nonsense" });
    expect(bad.body.errors[0].message).toContain("Invalid cursor");
  });
});

describe("sort keys and search", () => {
  it("sorts by ID, TITLE, CREATED_AT and UPDATED_AT", async () => {
    for (const [sortKey, field] of [
      ["TITLE", "title"],
      ["CREATED_AT", "createdAt"],
      ["UPDATED_AT", "updatedAt"],
    ] as const) {
      const { body } = await t.gql(
        `query($sortKey: ProductSortKeys) { products(first: 30, sortKey: $sortKey) { nodes { ${field} } } }`,
        { sortKey },
      );
      const values = body.data.products.nodes.map((n: Record<string, string>) => n[field]);
      expect(values).toEqual([...values].sort());
    }
  });

  it("finds what changed after a timestamp (incremental sync)", async () => {
    const products = (
      await t.gql("{ products(first: 30, sortKey: UPDATED_AT) { nodes { id updatedAt } } }")
    ).body.data.products.nodes;
    const pivot = products[20].updatedAt;
    const query = `query($q: String) { products(first: 50, query: $q, sortKey: UPDATED_AT) { nodes { id updatedAt } } }`;
    const after = (await t.gql(query, { q: `updated_at:>'${pivot}'` })).body.data.products.nodes;
    expect(after.map((p: { id: string }) => p.id)).toEqual(
      products
        .filter((p: { updatedAt: string }) => p.updatedAt > pivot)
        .map((p: { id: string }) => p.id),
    );
    const atOrAfter = (await t.gql(query, { q: `updated_at:>=${pivot}` })).body.data.products.nodes;
    expect(atOrAfter.length).toBe(
      after.length + products.filter((p: { updatedAt: string }) => p.updatedAt === pivot).length,
    );

    t.sim.advanceClock(60_000);
    const changed = t.sim.updateProduct(SHOP, products[0].id, { title: "Brasil Cerrado Spezial" });
    const latest = (await t.gql(query, { q: `updated_at:>'${products.at(-1).updatedAt}'` })).body
      .data.products.nodes;
    expect(latest).toEqual([{ id: changed.id, updatedAt: changed.updatedAt }]);
  });

  it("combines created_at, id and status terms with AND", async () => {
    const orders = (
      await t.gql(
        "{ orders(first: 40, sortKey: ID) { nodes { id createdAt closed cancelledAt } } }",
      )
    ).body.data.orders.nodes;
    const pivot = orders[10];
    const idNum = pivot.id.split("/").pop();
    const { body } = await t.gql(
      `query($q: String) { orders(first: 50, query: $q, sortKey: ID) { nodes { id } } }`,
      { q: `created_at:<'2030-01-01T00:00:00Z' AND id:>${idNum} status:open` },
    );
    const expected = orders
      .slice(11)
      .filter((o: { closed: boolean }) => !o.closed)
      .map((o: { id: string }) => o.id);
    expect(body.data.orders.nodes.map((o: { id: string }) => o.id)).toEqual(expected);
  });

  it("ignores unknown search fields with a warning in extensions.search", async () => {
    const { body } = await t.gql(`{ products(first: 1, query: "colour:red") { nodes { id } } }`);
    expect(body.data.products.nodes).toHaveLength(1);
    expect(body.extensions.search).toEqual([
      {
        path: ["products"],
        query: "colour:red",
        warnings: [{ field: "colour", message: "Invalid search field for this query." }],
      },
    ]);
  });

  it("counts with the same filters", async () => {
    const { body } = await t.gql(
      `{ productsCount { count precision } ordersCount(query: "status:cancelled") { count } }`,
    );
    expect(body.data.productsCount).toEqual({ count: 30, precision: "EXACT" });
    expect(body.data.ordersCount.count).toBeGreaterThanOrEqual(0);
  });
});

describe("data", () => {
  it("serves variants with inventory items and levels as the sync reads them", async () => {
    const { body } = await t.gql(`{
      productVariants(first: 3) { nodes { id sku price product { id }
        inventoryItem { id sku tracked inventoryLevels(first: 5) { nodes { id location { id }
          quantities(names: ["available", "on_hand", "committed"]) { name quantity } } } } } }
    }`);
    const variant = body.data.productVariants.nodes[0];
    expect(variant.price).toMatch(/^\d+\.\d{2}$/);
    const level = variant.inventoryItem.inventoryLevels.nodes[0];
    expect(level.id).toMatch(/^gid:\/\/shopify\/InventoryLevel\/\d+\?inventory_item_id=\d+$/);
    const q = Object.fromEntries(
      level.quantities.map((x: { name: string; quantity: number }) => [x.name, x.quantity]),
    );
    expect(q.on_hand).toBe(q.available + q.committed);
  });

  it("serves orders with line items, fulfillments and customers", async () => {
    const { body } = await t.gql(`{
      orders(first: 20) { nodes { id name displayFulfillmentStatus
        customer { id email numberOfOrders }
        lineItems(first: 5) { nodes { id sku quantity currentQuantity name variant { id }
          originalUnitPriceSet { shopMoney { amount currencyCode } } } }
        fulfillments { id status trackingInfo { company number url } createdAt updatedAt } } }
      customers(first: 3) { nodes { id email firstName lastName state numberOfOrders } }
    }`);
    const orders = body.data.orders.nodes;
    const fulfilled = orders.find(
      (o: { displayFulfillmentStatus: string }) => o.displayFulfillmentStatus === "FULFILLED",
    );
    expect(fulfilled.fulfillments[0]).toMatchObject({
      status: "SUCCESS",
      trackingInfo: [{ company: "DHL" }],
    });
    expect(orders[0].lineItems.nodes[0].originalUnitPriceSet.shopMoney.currencyCode).toBe("EUR");
    expect(body.data.customers.nodes[0].numberOfOrders).toMatch(/^\d+$/);
  });

  it("reports deleted products in deletionEvents", async () => {
    const id = (await t.gql("{ products(first: 1, reverse: true) { nodes { id } } }")).body.data
      .products.nodes[0].id;
    t.sim.deleteProduct(SHOP, id);
    const { body } = await t.gql(
      `query($id: ID!) { product(id: $id) { id } deletionEvents(first: 5, subjectTypes: [PRODUCT]) { nodes { subjectId subjectType occurredAt } } }`,
      { id },
    );
    expect(body.data.product).toBeNull();
    expect(body.data.deletionEvents.nodes).toEqual([
      { subjectId: id, subjectType: "PRODUCT", occurredAt: expect.any(String) },
    ]);
  });
});
