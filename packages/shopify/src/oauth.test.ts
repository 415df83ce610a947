import { createHmac } from "node:crypto";
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { describe, expect, it } from "vitest";
import { readShopifyEnv } from "./env.ts";
import { authorizeUrl, verifyOAuthHmac } from "./oauth.ts";

const secret = "app-secret-0123456789";
const shopifyLibrary = shopifyApi({
  apiKey: "app-key",
  apiSecretKey: secret,
  hostName: "localhost",
  isEmbeddedApp: false,
  apiVersion: ApiVersion.October25,
  logger: { level: 0, log: () => {} },
});

/** Signs a query the way Shopify signs its OAuth redirect. */
function signed(params: Record<string, string>) {
  const message = Object.keys(params)
    .sort()
    .map((key) => `${key}=${encodeURIComponent(params[key] ?? "")}`)
    .join("&");
  const hmac = createHmac("sha256", secret).update(message).digest("hex");
  return new URLSearchParams({ ...params, hmac });
}

const callback = () => ({
  code: "0907a61c0c8d55e99db179b68161bc00",
  host: "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvbWVpbi1zaG9w",
  shop: "mein-shop.myshopify.com",
  state: "6c1f2a52-3a8e-4a69-9a0d-3b8a1a2f3c4d",
  timestamp: String(Math.floor(Date.now() / 1000)),
});

describe("verifyOAuthHmac", () => {
  it("accepts exactly what @shopify/shopify-api accepts", async () => {
    const query = signed({ ...callback(), extra: "a value with spaces & symbols" });
    expect(verifyOAuthHmac(query, secret)).toBe(true);
    expect(await shopifyLibrary.utils.validateHmac(Object.fromEntries(query))).toBe(true);
  });

  it("rejects a changed parameter, a wrong secret, a missing or malformed hmac", async () => {
    const query = signed(callback());
    const tampered = new URLSearchParams(query);
    tampered.set("shop", "other.myshopify.com");
    expect(verifyOAuthHmac(tampered, secret)).toBe(false);
    expect(await shopifyLibrary.utils.validateHmac(Object.fromEntries(tampered))).toBe(false);
    expect(verifyOAuthHmac(query, "another-secret")).toBe(false);
    const missing = new URLSearchParams(query);
    missing.delete("hmac");
    expect(verifyOAuthHmac(missing, secret)).toBe(false);
    const short = new URLSearchParams(query);
    short.set("hmac", "abc");
    expect(verifyOAuthHmac(short, secret)).toBe(false);
  });

  it("ignores a `signature` parameter like Shopify does", () => {
    const query = signed(callback());
    query.set("signature", "whatever");
    expect(verifyOAuthHmac(query, secret)).toBe(true);
  });
});

describe("authorizeUrl", () => {
  const env = readShopifyEnv({
    SHOPIFY_API_KEY: "app-key",
    SHOPIFY_API_SECRET: secret,
    TOKEN_ENCRYPTION_KEY: "k".repeat(32),
  });
  const options = { shop: "mein-shop.myshopify.com", state: "s", redirectUri: "https://app/cb" };

  it("points at the shop's admin with client id, scopes, redirect and state", () => {
    const url = new URL(authorizeUrl(env, options));
    expect(url.origin + url.pathname).toBe("https://mein-shop.myshopify.com/admin/oauth/authorize");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: "app-key",
      scope: env.SHOPIFY_SCOPES,
      redirect_uri: "https://app/cb",
      state: "s",
    });
  });

  it("points at SHOPIFY_API_ORIGIN with the shop as a parameter when set", () => {
    const url = new URL(
      authorizeUrl({ ...env, SHOPIFY_API_ORIGIN: "http://127.0.0.1:4000" }, options),
    );
    expect(url.origin + url.pathname).toBe("http://127.0.0.1:4000/admin/oauth/authorize");
    expect(url.searchParams.get("shop")).toBe("mein-shop.myshopify.com");
  });
});
