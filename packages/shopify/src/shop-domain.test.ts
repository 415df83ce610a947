import { describe, expect, it } from "vitest";
import { gidNumber, normalizeShopDomain } from "./shop-domain.ts";

describe("normalizeShopDomain", () => {
  it("accepts *.myshopify.com, trimmed and lower-cased", () => {
    expect(normalizeShopDomain("mein-shop.myshopify.com")).toBe("mein-shop.myshopify.com");
    expect(normalizeShopDomain("  Mein-Shop.MyShopify.com ")).toBe("mein-shop.myshopify.com");
    expect(normalizeShopDomain("0roesterei.myshopify.com")).toBe("0roesterei.myshopify.com");
  });

  it.each([
    ["another domain", "evil.com"],
    ["a suffix attack", "x.myshopify.com.evil.com"],
    ["a URL", "https://x.myshopify.com/"],
    ["a trailing slash", "x.myshopify.com/"],
    ["a path", "x.myshopify.com/admin"],
    ["a port", "x.myshopify.com:443"],
    ["credentials", "user@x.myshopify.com"],
    ["a leading hyphen", "-x.myshopify.com"],
    ["an underscore", "x_y.myshopify.com"],
    ["a nested subdomain", "a.b.myshopify.com"],
    ["the bare domain", "myshopify.com"],
    ["an empty string", ""],
    ["300 characters", `${"a".repeat(286)}.myshopify.com`],
    ["a 64-character label", `${"a".repeat(64)}.myshopify.com`],
    ["unicode", "röstерei.myshopify.com"],
    ["a Kelvin sign that folds to k", "\u212Affee.myshopify.com"],
    ["a newline", "x.myshopify.com\nevil.com"],
    ["a number", 42],
    ["an array", ["x.myshopify.com"]],
    ["undefined", undefined],
  ])("rejects %s", (_, input) => {
    expect(normalizeShopDomain(input)).toBeUndefined();
  });
});

describe("gidNumber", () => {
  it("takes the number of a GID, beyond 2^53 too", () => {
    expect(gidNumber("gid://shopify/Product/9007199254740993")).toBe("9007199254740993");
    expect(gidNumber("gid://shopify/InventoryLevel/12?inventory_item_id=34")).toBe("12");
    expect(() => gidNumber("Product/1")).toThrow();
  });
});
