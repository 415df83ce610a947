import { Writable } from "node:stream";
import { createLogger } from "@roestify/runtime";
import { describe, expect, it } from "vitest";
import { readEnvelope, signUserToken, startTestApp } from "./testing.ts";

const lines: string[] = [];
const log = createLogger({
  name: "web-test",
  level: "error",
  destination: new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).trim().split("\n"));
      done();
    },
  }),
});
const { url, db } = await startTestApp({}, log);

const tooBig = `gid://shopify/ProductVariant/${"9".repeat(20)}`;

const trpcPost = (path: string, body: unknown, authorization?: string) =>
  fetch(`${url}/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });

describe("errors show only the contract's error", () => {
  it("answers a GID beyond bigint with 400 invalid_request over tRPC, without internals", async () => {
    const response = await trpcPost(
      "inventory.setMapping",
      { sku: "HAUS-250", shopify_variant_ids: [tooBig] },
      await signUserToken(),
    );
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toMatch(/bigint|stack|node_modules|\/src\//);
    expect(JSON.parse(text).error.data.apiError.code).toBe("invalid_request");
  });

  it("answers the same GID with 400 over REST, for variants and locations", async () => {
    const authorization = await signUserToken();
    const mapping = await fetch(`${url}/api/v1/inventory/HAUS-250/mapping`, {
      method: "PUT",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ shopify_variant_ids: [tooBig] }),
    });
    expect(mapping.status).toBe(400);
    expect((await readEnvelope(mapping)).error?.code).toBe("invalid_request");
    const location = await fetch(`${url}/api/v1/shopify/connection`, {
      method: "PATCH",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ inventory_location_id: "gid://shopify/Location/9223372036854775808" }),
    });
    expect(location.status).toBe(400);
  });

  it("shows an unexpected error as internal_error only, and logs it once with the request id", async () => {
    const authorization = await signUserToken();
    lines.length = 0;
    // An error PostgreSQL raises, which no procedure expects.
    await db.pool.query("ALTER TABLE inventory_items RENAME TO inventory_items_away");
    try {
      const response = await fetch(`${url}/trpc/inventory.list`, { headers: { authorization } });
      expect(response.status).toBe(500);
      const body = await response.json();
      expect(body).toEqual({
        error: {
          code: -32603,
          message: "Ein interner Fehler ist aufgetreten.",
          data: {
            code: "INTERNAL_SERVER_ERROR",
            httpStatus: 500,
            apiError: { code: "internal_error", message: "Ein interner Fehler ist aufgetreten." },
          },
        },
      });
    } finally {
      await db.pool.query("ALTER TABLE inventory_items_away RENAME TO inventory_items");
    }
    const failures = lines.map((line) => JSON.parse(line)).filter((line) => line.err);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ reqId: expect.anything(), msg: "request failed" });
  });
});

describe("tRPC batches", () => {
  it("answers up to 10 calls, and 400 to a larger batch", async () => {
    const authorization = await signUserToken();
    const batch = (size: number) =>
      fetch(
        `${url}/trpc/${Array(size).fill("shopify.status").join(",")}?batch=1&input=${encodeURIComponent("{}")}`,
        { headers: { authorization } },
      );
    expect((await batch(10)).status).toBe(200);
    const refused = await batch(11);
    expect(refused.status).toBe(400);
    expect(
      ((await refused.json()) as { error: { data: { apiError: { code: string } } } }).error.data
        .apiError.code,
    ).toBe("invalid_request");
  });
});
