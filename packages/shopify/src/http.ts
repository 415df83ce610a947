import type { ShopifyEnv } from "./env.ts";

type Origin = Pick<ShopifyEnv, "SHOPIFY_API_ORIGIN">;

/**
 * Where a request for `https://{shop}{path}` goes. With SHOPIFY_API_ORIGIN (development, tests) it
 * goes to that origin and names the shop in `X-Forwarded-Host`; nothing else differs.
 */
export function shopifyTarget(
  env: Origin,
  shop: string,
  path: string,
): { url: string; headers: Record<string, string> } {
  if (!env.SHOPIFY_API_ORIGIN) return { url: `https://${shop}${path}`, headers: {} };
  return {
    url: `${env.SHOPIFY_API_ORIGIN.replace(/\/+$/, "")}${path}`,
    headers: { "x-forwarded-host": shop },
  };
}

/** A request to one shop's Admin endpoints, bounded in time. */
export function shopifyFetch(
  env: Origin,
  shop: string,
  path: string,
  init: {
    method: "GET" | "POST";
    headers?: Record<string, string>;
    body?: string;
    timeoutMs?: number;
  },
) {
  const target = shopifyTarget(env, shop, path);
  return fetch(target.url, {
    method: init.method,
    headers: { ...target.headers, ...init.headers },
    body: init.body,
    redirect: "manual",
    signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
  });
}
