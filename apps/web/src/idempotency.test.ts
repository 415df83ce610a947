import { describe, expect, it } from "vitest";
import { type Envelope, signUserToken, startTestApp } from "./testing.ts";

const { url, db } = await startTestApp();

/** A packaging sent as this exact text, with this Idempotency-Key header (if any). */
async function packaging(org: string, body: string, key?: string) {
  const response = await fetch(`${url}/api/v1/inventory/packagings`, {
    method: "POST",
    headers: {
      authorization: await signUserToken({ org }),
      "content-type": "application/json",
      ...(key === undefined ? {} : { "idempotency-key": key }),
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Envelope };
}

const movements = async (org: string) =>
  (
    await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM inventory_movements WHERE organization_id = $1",
      [org],
    )
  ).rows[0]?.n;

describe("Idempotency-Key", () => {
  it.each([
    ["a space", "key with space"],
    ["256 characters", "k".repeat(256)],
    ["a character beyond ASCII", "schlüssel"],
    ["a tab", "key\tkey"],
  ])("refuses a key with %s with 400 invalid_request", async (_, key) => {
    const answer = await packaging("org-bad-key", '{"sku":"A","quantity":1}', key);
    expect([answer.status, answer.body.error?.code]).toEqual([400, "invalid_request"]);
    expect(await movements("org-bad-key")).toBe(0);
  });

  it("takes an empty header as none: each request records", async () => {
    for (let i = 0; i < 2; i++) {
      expect((await packaging("org-empty-key", '{"sku":"A","quantity":1}', "")).status).toBe(201);
    }
    expect(await movements("org-empty-key")).toBe(2);
  });

  it("answers the same JSON value in other bytes with the first answer, byte for byte", async () => {
    const key = "~!key-255:/?#[]@";
    const first = await packaging("org-same", '{"sku":"A","quantity":2,"reference":"R1"}', key);
    const again = await packaging(
      "org-same",
      '{ "reference": "R1",\n  "quantity": 2.0, "sku": "\\u0041" }',
      key,
    );
    expect(first.status).toBe(201);
    expect([again.status, again.text]).toEqual([201, first.text]);
    expect(await movements("org-same")).toBe(1);
  });

  it("refuses another body under a used key with 422 idempotency_key_reused", async () => {
    expect((await packaging("org-reuse", '{"sku":"A","quantity":2}', "k1")).status).toBe(201);
    for (const body of [
      '{"sku":"A","quantity":3}',
      '{"sku":"B","quantity":2}',
      '{"sku":"A","quantity":2,"reference":"R"}',
      // Valid as the same input, yet another JSON value.
      '{"sku":" A","quantity":2}',
      '{"sku":"A","quantity":2,"comment":"x"}',
    ]) {
      const reused = await packaging("org-reuse", body, "k1");
      expect([reused.status, reused.body.error?.code]).toEqual([422, "idempotency_key_reused"]);
    }
    expect(await movements("org-reuse")).toBe(1);
  });

  it("answers a key stored before bodies were compared (no hash) with its first answer", async () => {
    const stored =
      '{"data":{"movement_id":"6f1c1b1e-1c1d-4c6e-9a51-2f0b8f3e7d10","sku":"A","available":4,"push":"not_connected"}}';
    await db.pool.query("INSERT INTO organizations (id) VALUES ('org-legacy-key')");
    await db.pool.query(
      `INSERT INTO idempotent_requests (organization_id, key, request_hash, status_code, response)
       VALUES ('org-legacy-key', 'old', NULL, 201, $1)`,
      [JSON.stringify(JSON.parse(stored).data)],
    );
    for (const body of ['{"sku":"A","quantity":4}', '{"sku":"B","quantity":1}']) {
      const again = await packaging("org-legacy-key", body, "old");
      expect([again.status, again.body]).toEqual([201, JSON.parse(stored)]);
    }
    expect(await movements("org-legacy-key")).toBe(0);
  });

  it("checks the body before the key, and stores only successful answers", async () => {
    expect((await packaging("org-order", '{"sku":"A","quantity":1}', "k2")).status).toBe(201);
    // Invalid under a used key: a 400, not the first answer nor a 422.
    expect((await packaging("org-order", '{"sku":"A","quantity":0}', "k2")).status).toBe(400);
    // A refused request leaves its key unused.
    expect((await packaging("org-order", '{"sku":"","quantity":1}', "k3")).status).toBe(400);
    expect((await packaging("org-order", '{"sku":"B","quantity":1}', "k3")).status).toBe(201);
    expect(await movements("org-order")).toBe(2);
  });

  it("keeps packagings apart whose reference and key would read alike", async () => {
    const one = await packaging("org-refs", '{"sku":"A","quantity":1,"reference":"a:b"}', "c");
    const two = await packaging("org-refs", '{"sku":"A","quantity":1,"reference":"a"}', "b:c");
    expect([one.status, two.status]).toEqual([201, 201]);
    const stored = await db.pool.query(
      "SELECT note FROM inventory_movements WHERE organization_id = 'org-refs' ORDER BY note",
    );
    expect(stored.rows).toEqual([{ note: "a" }, { note: "a:b" }]);
  });
});
