import { type ExecutionResult, getOperationAST } from "graphql";
import { describe, expect, it } from "vitest";
import { Control } from "../control.ts";
import { Simulation } from "../simulation.ts";
import type { ShopState } from "../store.ts";
import { frozenNow } from "../test-helpers.ts";
import type { RequestContext } from "./context.ts";
import { executeOperation, type Prepared, prepare, schema } from "./execute.ts";
import { plainData } from "./plain.ts";
import { grantedScopes } from "./scopes.ts";

const sim = new Simulation({
  apiKey: "key",
  apiSecret: "secret",
  appName: "Roestify",
  redirectUris: null,
  maxQueryCost: 1000,
  bulkDelayMs: 0,
  now: frozenNow,
  logLimit: 10,
});
const domain = "plain.myshopify.com";
new Control(sim).createShop({ domain, seed: 3, products: 4, customers: 3, orders: 5 });
const shop = sim.shops.get(domain) as ShopState;
const product = shop.products.items[0]?.id;

/** graphql-js' result of `query` and its plain copy. */
function run(query: string, variables: Record<string, unknown> = {}) {
  const entry = prepare(query) as Prepared;
  const operation = getOperationAST(entry.document);
  if (!operation) throw new Error(`invalid: ${JSON.stringify(entry)}`);
  const ctx: RequestContext = {
    sim,
    shop,
    scopes: grantedScopes("read_products,read_orders,read_customers,read_inventory"),
    actualCost: 0,
    search: [],
    bulk: null,
  };
  const { data } = executeOperation(entry, operation, variables, ctx) as ExecutionResult;
  return { data, plain: plainData(schema, operation, entry.fragments, data) };
}

describe("plain copies of graphql-js results", () => {
  it.each([
    [
      "aliases, repeated fields and nested connections",
      `{ first: products(first: 2) { nodes { id t: title title id
          variants(first: 2) { edges { cursor node { sku selectedOptions { name value } } } } } }
        productsCount { count } }`,
    ],
    [
      "named and inline fragments, __typename",
      `query { products(first: 2) { ...page } }
        fragment page on ProductConnection { pageInfo { hasNextPage } nodes { __typename ...p ... on Product { handle } } }
        fragment p on Product { id ... on Node { id } }`,
    ],
    [
      "abstract types",
      `query($id: ID!) { node(id: $id) { id ... on Product { title variants(first: 1) { nodes { id } } } } }`,
    ],
    [
      "@include and @skip",
      `query($yes: Boolean!) { products(first: 2) { nodes { id title @include(if: $yes) handle @skip(if: $yes) } } }`,
    ],
    [
      "missing records and null fields",
      `{ product(id: "gid://shopify/Product/1") { id } orders(first: 2) { nodes { id customer { id } } } }`,
    ],
  ])("%s serialise as graphql-js' result does", (_name, query) => {
    const { data, plain } = run(query, { id: product, yes: true });
    expect(JSON.stringify(plain)).toBe(JSON.stringify(data));
  });

  it("makes objects with a prototype, unless their keys are not static", () => {
    const plain = run(
      `query($yes: Boolean!) { products(first: 1) { nodes { id seo { title } } } shop { name @include(if: $yes) } }`,
      { yes: false },
    ).plain as { products: { nodes: { seo: object }[] }; shop: object };
    expect(Object.getPrototypeOf(plain.products.nodes[0]?.seo)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(plain.shop)).toBeNull();
  });
});
