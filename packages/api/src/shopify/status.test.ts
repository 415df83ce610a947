import { createTestDatabase } from "@roestify/db/testing";
import { testSecrets, testServices } from "@roestify/runtime/testing";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { createCaller } from "../root.ts";

const db = await createTestDatabase();
const services = testServices(db);

async function callerFor(org: string) {
  const token = await new SignJWT({ org })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("user-1")
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(testSecrets.AUTH_JWT_SECRET));
  return createCaller({ ...services, authorization: `Bearer ${token}`, ip: "127.0.0.1" });
}

async function connect(org: string, shop: string) {
  await db.pool.query("INSERT INTO organizations (id) VALUES ($1) ON CONFLICT DO NOTHING", [org]);
  const connection = await db.pool.query<{ id: string }>(
    `INSERT INTO shopify_connections (organization_id, shop, scopes, api_version, access_token_encrypted)
     VALUES ($1, $2, 'read_products', '2026-10', '\\x') RETURNING id`,
    [org, shop],
  );
  return connection.rows[0]?.id as string;
}

const products = (connectionId: string, from: number, to: number) =>
  db.pool.query(
    `INSERT INTO shopify_products (connection_id, shopify_id, title, handle, status, raw, shopify_updated_at)
     SELECT $1, n, 'Kaffee ' || n, 'kaffee-' || n, 'ACTIVE', '{}', now() FROM generate_series($2::int, $3::int) n`,
    [connectionId, from, to],
  );

describe("shopify.status", () => {
  it("answers an organisation without a connection, creating it on first sight", async () => {
    const status = await (await callerFor("org-new")).shopify.status();
    expect(status).toMatchObject({
      connection: null,
      jobs: { full_sync: null, incremental_sync: null, inventory_push: null },
    });
    expect(Object.values(status.mirror_counts)).toEqual([0, 0, 0, 0, 0, 0]);
    const org = await db.pool.query("SELECT plan FROM organizations WHERE id = 'org-new'");
    expect(org.rows).toEqual([{ plan: "free" }]);
  });

  it("counts mirror rows as they are written, deleted and truncated, per connection", async () => {
    const mine = await connect("org-counted", "counted.myshopify.com");
    const other = await connect("org-other", "other.myshopify.com");
    const caller = await callerFor("org-counted");
    await products(mine, 1, 250);
    await products(other, 1, 7);
    // An upsert that only updates adds nothing; one that inserts adds what it inserted.
    await db.pool.query(
      `INSERT INTO shopify_products (connection_id, shopify_id, title, handle, status, raw, shopify_updated_at)
       SELECT $1, n, 'neu', 'neu-' || n, 'ACTIVE', '{}', now() FROM generate_series(240, 260) n
       ON CONFLICT (connection_id, shopify_id) DO UPDATE SET title = EXCLUDED.title`,
      [mine],
    );
    expect((await caller.shopify.status()).mirror_counts.shopify_products).toBe(260);
    await db.pool.query(
      "DELETE FROM shopify_products WHERE connection_id = $1 AND shopify_id <= 10",
      [mine],
    );
    const status = await caller.shopify.status();
    expect(status.mirror_counts.shopify_products).toBe(250);
    const counted = await db.pool.query(
      "SELECT count(*)::int AS n FROM shopify_products WHERE connection_id = $1",
      [mine],
    );
    expect(counted.rows[0].n).toBe(250);
    expect((await (await callerFor("org-other")).shopify.status()).mirror_counts).toMatchObject({
      shopify_products: 7,
      shopify_orders: 0,
    });
    await db.pool.query("TRUNCATE shopify_products");
    expect((await caller.shopify.status()).mirror_counts.shopify_products).toBe(0);
  });
});

describe("shopify.job", () => {
  it("finds only jobs of the caller's organisation", async () => {
    const connectionId = await connect("org-jobs", "jobs.myshopify.com");
    const job = await db.pool.query<{ id: string }>(
      `INSERT INTO shopify_sync_jobs (organization_id, connection_id, type, requested_by)
       VALUES ('org-jobs', $1, 'full_sync', 'test') RETURNING id`,
      [connectionId],
    );
    const id = job.rows[0]?.id as string;
    expect(await (await callerFor("org-jobs")).shopify.job({ id })).toMatchObject({
      id,
      type: "full_sync",
      status: "queued",
      rows_written: { shopify_products: 0 },
    });
    await expect((await callerFor("org-else")).shopify.job({ id })).rejects.toMatchObject({
      cause: { code: "not_found" },
    });
  });
});

describe("shopify.authorize", () => {
  it("is a mutation that refuses a domain that is not a shop's", async () => {
    const caller = await callerFor("org-auth");
    await expect(caller.shopify.authorize({ shop: "evil.com" })).rejects.toMatchObject({
      cause: { code: "invalid_shop" },
    });
    const { authorize_url } = await caller.shopify.authorize({ shop: "roesterei.myshopify.com" });
    expect(new URL(authorize_url).searchParams.get("state")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
