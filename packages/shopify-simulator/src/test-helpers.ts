/** Shared set-up for the simulator's own tests: a started simulator with one generated shop. */
import { type CreateShopInput, type Simulator, type StartOptions, start } from "./index.ts";

export const SHOP = "test-roastery.myshopify.com";

export interface GraphQLResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read responses ad hoc.
  body: any;
}

export interface TestSimulator {
  sim: Simulator;
  token: string;
  gql: (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse>;
}

/** A frozen base clock, so timestamps and the rate-limit bucket only move when a test moves them. */
export const frozenNow = () => new Date("2026-11-26T10:00:00Z");

export async function startWithShop(
  options: Partial<StartOptions> = {},
  shop: Partial<CreateShopInput> = {},
): Promise<TestSimulator> {
  const sim = await start({ apiKey: "test-key", apiSecret: "test-secret", ...options });
  sim.createShop({ domain: SHOP, seed: 7, products: 12, customers: 10, orders: 20, ...shop });
  const token = sim.createAccessToken(SHOP).access_token;
  return { sim, token, gql: (query, variables) => graphql(sim.url, token, query, variables) };
}

export async function graphql(
  url: string,
  token: string,
  query: string,
  variables?: Record<string, unknown>,
  shop = SHOP,
): Promise<GraphQLResponse> {
  const res = await fetch(`${url}/admin/api/2026-10/graphql.json`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Access-Token": token,
      "X-Forwarded-Host": shop,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith("{") ? JSON.parse(text) : text };
}
