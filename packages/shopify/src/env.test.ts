import { describe, expect, it } from "vitest";
import { readShopifyEnv } from "./env.ts";

const base = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  TOKEN_ENCRYPTION_KEY: "k".repeat(32),
};

describe("SHOPIFY_API_ORIGIN", () => {
  it.each(["http://127.0.0.1:4000", "http://[::1]:4000", "http://localhost:4000/"])(
    "accepts the loopback origin %s",
    (origin) => {
      expect(readShopifyEnv({ ...base, SHOPIFY_API_ORIGIN: origin }).SHOPIFY_API_ORIGIN).toBe(
        origin,
      );
    },
  );

  it.each(["https://evil.example.com", "http://10.0.0.5:4000", "http://127.0.0.1.example.com"])(
    "refuses %s, which would receive secrets and tokens",
    (origin) => {
      expect(() => readShopifyEnv({ ...base, SHOPIFY_API_ORIGIN: origin })).toThrow(
        /^SHOPIFY_API_ORIGIN: must be a loopback origin/,
      );
    },
  );
});
