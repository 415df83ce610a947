import { describe, expect, it } from "vitest";
import { emitMirrorRows, JsonText, type Row, type ShopifyNode } from "./mirror-rows.ts";

function rawOfLine(text: string): unknown {
  const rows: Row[] = [];
  emitMirrorRows(JSON.parse(text) as ShopifyNode, (_, row) => rows.push(row), text);
  return rows[0]?.raw;
}

describe("mirror rows of bulk lines", () => {
  it("keep a line's text as its raw node, without the parent's id Shopify appends", () => {
    const product = '{"id":"gid://shopify/Product/1","title":"Kenia \\"AA\\""}';
    expect(rawOfLine(product)).toEqual(new JsonText(product));
    const variant =
      '{"id":"gid://shopify/ProductVariant/2","sku":"K-1","__parentId":"gid://shopify/Product/1"}';
    const raw = rawOfLine(variant) as JsonText;
    expect(raw.text).toBe('{"id":"gid://shopify/ProductVariant/2","sku":"K-1"}');
    expect(JSON.parse(JSON.stringify({ raw }))).toEqual({
      raw: { id: "gid://shopify/ProductVariant/2", sku: "K-1" },
    });
  });

  it("parse and encode the node again when its text is laid out otherwise", () => {
    const spaced =
      '{"id": "gid://shopify/ProductVariant/2", "__parentId": "gid://shopify/Product/1", "sku": "K-1"}';
    expect(rawOfLine(spaced)).toEqual({ id: "gid://shopify/ProductVariant/2", sku: "K-1" });
  });
});
