import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { decryptToken, encryptSql } from "@roestify/db";
import { createLogger } from "@roestify/runtime";
import { accessTokenFor, jobAccessToken, ReauthRequiredError } from "@roestify/shopify";
import { start } from "@roestify/shopify-simulator";
import { afterAll, describe, expect, it } from "vitest";
import {
  consentTo,
  insertConnection,
  installApp,
  oauthCallback,
  readEnvelope,
  signedCallbackQuery,
  signUserToken,
  startTestApp,
  testSecrets,
} from "./testing.ts";

const shop = "bohnen-glueck.myshopify.com";
const simulator = await start({
  apiKey: testSecrets.SHOPIFY_API_KEY,
  apiSecret: testSecrets.SHOPIFY_API_SECRET,
  shops: [
    { domain: shop, seed: 7, products: 3, customers: 2, orders: 2, locations: 3 },
    { domain: "zweiter-shop.myshopify.com", seed: 8, products: 1, customers: 1, orders: 1 },
    { domain: "wettlauf.myshopify.com", seed: 9, products: 1, customers: 1, orders: 1 },
    { domain: "ausfall.myshopify.com", seed: 10, products: 1, customers: 1, orders: 1 },
  ],
});
afterAll(() => simulator.close());

const logLines: string[] = [];
const { url, db, services } = await startTestApp(
  { SHOPIFY_API_ORIGIN: simulator.url },
  createLogger({
    name: "oauth-flow",
    destination: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  }),
);

const install = (org: string, shopDomain = shop) => installApp(url, org, shopDomain);

/** Shopify's token endpoint seen through a proxy that runs `meanwhile` before it answers. */
async function startRefreshProxy(meanwhile: () => Promise<unknown>) {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.url === "/admin/oauth/access_token") await meanwhile();
    const answer = await fetch(`${simulator.url}${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: req.method === "POST" ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "" });
    res.end(Buffer.from(await answer.arrayBuffer()));
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function waitFor(condition: () => Promise<boolean>) {
  for (let tries = 0; !(await condition()); tries++) {
    if (tries === 500) throw new Error("condition not reached in 10 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const connectionOf = async (org: string) =>
  (await db.pool.query("SELECT * FROM shopify_connections WHERE organization_id = $1", [org]))
    .rows[0];

describe("connecting a shop through OAuth", () => {
  it("stores the tokens encrypted, syncs the locations and queues a full sync", async () => {
    const result = await install("org-flow");
    expect(result).toEqual({
      status: 302,
      location: "/dashboard/settings?tab=shopify&shopify=connected",
    });
    const connection = await connectionOf("org-flow");
    expect(connection).toMatchObject({ shop, status: "active", api_version: "2026-10" });
    const accessToken = await decryptToken(
      db.pool,
      connection.access_token_encrypted,
      testSecrets.TOKEN_ENCRYPTION_KEY,
    );
    const refreshToken = await decryptToken(
      db.pool,
      connection.refresh_token_encrypted,
      testSecrets.TOKEN_ENCRYPTION_KEY,
    );
    // Expiring offline tokens: about an hour for access, 90 days for refresh.
    const hour = (connection.access_token_expires_at.getTime() - Date.now()) / 3_600_000;
    expect(hour).toBeGreaterThan(0.95);
    expect(hour).toBeLessThanOrEqual(1);
    // The token is what the simulator issued: the simulator accepts it.
    const probe = await fetch(`${simulator.url}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-forwarded-host": shop,
        "x-shopify-access-token": accessToken,
      },
      body: JSON.stringify({ query: "{ shop { myshopifyDomain } }" }),
    });
    expect(await probe.json()).toMatchObject({ data: { shop: { myshopifyDomain: shop } } });

    // No column of any table holds either token in clear, and no log line does.
    const dump = await db.pool.query(
      "SELECT string_agg(t::text, ' ') AS all FROM shopify_connections t",
    );
    for (const token of [accessToken, refreshToken]) {
      expect(dump.rows[0].all).not.toContain(token);
      expect(logLines.join("")).not.toContain(token);
    }

    const locations = await db.pool.query(
      "SELECT shopify_id, is_primary FROM shopify_locations WHERE connection_id = $1",
      [connection.id],
    );
    expect(locations.rowCount).toBe(3);
    const primary = locations.rows.find((location) => location.is_primary);
    expect(connection.inventory_location_id).toBe(primary.shopify_id);

    const jobs = await db.pool.query(
      `SELECT j.type, j.status, j.requested_by, g.task_identifier FROM shopify_sync_jobs j
       JOIN graphile_worker.jobs g ON g.key = j.id::text WHERE j.connection_id = $1`,
      [connection.id],
    );
    expect(jobs.rows).toEqual([
      {
        type: "full_sync",
        status: "queued",
        requested_by: "oauth:org-flow-owner",
        task_identifier: "full_sync",
      },
    ]);

    const status = await readEnvelope(
      await fetch(`${url}/api/v1/shopify/status`, {
        headers: { authorization: await signUserToken({ org: "org-flow" }) },
      }),
    );
    expect(status.data.connection).toMatchObject({
      shop,
      status: "active",
      scopes: expect.arrayContaining(["read_products", "write_inventory"]),
      inventory_location_id: `gid://shopify/Location/${primary.shopify_id}`,
    });
    expect(status.data.connection.locations).toHaveLength(3);
    expect(status.data.jobs.full_sync).toMatchObject({ type: "full_sync", status: "queued" });
  });

  it("replaces the tokens when the same organisation connects the same shop again", async () => {
    const before = await connectionOf("org-flow");
    expect((await install("org-flow")).location).toContain("shopify=connected");
    const after = await connectionOf("org-flow");
    expect(after.id).toBe(before.id);
    expect(after.access_token_encrypted.equals(before.access_token_encrypted)).toBe(false);
  });

  it("sends no token request for a forged HMAC", async () => {
    simulator.clearRequests();
    const authorization = await signUserToken({ org: "org-forged", sub: "forger" });
    const { data } = await readEnvelope(
      await fetch(`${url}/api/v1/shopify/oauth/authorize?shop=${shop}`, {
        headers: { authorization },
      }),
    );
    const state = new URL(data.authorize_url).searchParams.get("state") as string;
    const forged = signedCallbackQuery(
      { code: "c", shop, state, timestamp: String(Math.floor(Date.now() / 1000)) },
      "guessed-secret",
    );
    const response = await fetch(`${url}/api/v1/shopify/oauth/callback?${forged}`, {
      redirect: "manual",
    });
    expect(response.headers.get("location")).toContain("reason=invalid_hmac");
    expect(simulator.requests()).toEqual([]);
  });

  it("refuses the shop for another organisation", async () => {
    expect((await install("org-intruder")).location).toContain("reason=shop_already_connected");
    expect(await connectionOf("org-intruder")).toBeUndefined();
  });

  it("gives a shop two organisations connect at the same moment to one, the other is refused", async () => {
    const race = "wettlauf.myshopify.com";
    const callbacks = [
      await consentTo(url, "org-race-a", race),
      await consentTo(url, "org-race-b", race),
    ];
    // Both callbacks are held inside their last step until both are there: a real overlap.
    const holder = await db.pool.connect();
    await holder.query("BEGIN");
    await holder.query("LOCK TABLE shopify_locations IN EXCLUSIVE MODE");
    const results = Promise.all(callbacks.map((callback) => oauthCallback(url, callback)));
    await waitFor(async () => {
      const waiting = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted
         AND pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database())`,
      );
      return (waiting.rows[0]?.n ?? 0) >= 2;
    });
    await holder.query("COMMIT");
    holder.release();
    expect((await results).map((result) => result.location).sort()).toEqual([
      "/dashboard/settings?tab=shopify&shopify=connected",
      "/dashboard/settings?tab=shopify&shopify=error&reason=shop_already_connected",
    ]);
    const owners = await db.pool.query(
      "SELECT organization_id FROM shopify_connections WHERE shop = $1",
      [race],
    );
    expect(owners.rowCount).toBe(1);
  });

  it("reports a refused token exchange and stores nothing", async () => {
    simulator.failNextTokenExchange("zweiter-shop.myshopify.com");
    const result = await install("org-refused", "zweiter-shop.myshopify.com");
    expect(result.location).toContain("reason=token_exchange_failed");
    expect(await connectionOf("org-refused")).toBeUndefined();
  });

  it("reports a failing connection test and stores nothing", async () => {
    simulator.setFaults("zweiter-shop.myshopify.com", { always: "http500" });
    try {
      const result = await install("org-broken", "zweiter-shop.myshopify.com");
      expect(result.location).toContain("reason=connection_test_failed");
      expect(await connectionOf("org-broken")).toBeUndefined();
    } finally {
      simulator.clearFaults("zweiter-shop.myshopify.com");
    }
  });
});

describe("access tokens for later Shopify calls", () => {
  it("returns a permanent token as it is, without asking Shopify", async () => {
    const connectionId = await insertConnection(db, "org-permanent", "permanent.myshopify.com");
    simulator.clearRequests();
    expect(await accessTokenFor(db, services.shopify, connectionId)).toBe("shpat_test");
    expect(simulator.requests()).toEqual([]);
  });

  it("decrypts a job's token once, and again only when the stored token changed", async () => {
    const connectionId = await insertConnection(db, "org-job-token", "job-token.myshopify.com");
    const env = { ...services.shopify };
    const token = jobAccessToken(db, env, connectionId);
    expect(await token()).toBe("shpat_test");
    // Not decrypted again: with a wrong key it would fail.
    env.TOKEN_ENCRYPTION_KEY = "wrong-key-0123456789abcdef0123456789ab";
    expect(await token()).toBe("shpat_test");
    env.TOKEN_ENCRYPTION_KEY = services.shopify.TOKEN_ENCRYPTION_KEY;
    await db.pool.query(
      `UPDATE shopify_connections SET access_token_encrypted = ${encryptSql("'shpat_new'", "$2")}
       WHERE id = $1`,
      [connectionId, env.TOKEN_ENCRYPTION_KEY],
    );
    expect(await token()).toBe("shpat_new");
    await db.pool.query("UPDATE shopify_connections SET status = 'reauth_required' WHERE id = $1", [
      connectionId,
    ]);
    await expect(token()).rejects.toBeInstanceOf(ReauthRequiredError);
  });

  const expireNow = (org: string) =>
    db.pool.query(
      "UPDATE shopify_connections SET access_token_expires_at = now() WHERE organization_id = $1",
      [org],
    );
  const refreshRequests = () =>
    simulator
      .requests({ shop: "zweiter-shop.myshopify.com" })
      .filter((entry) => entry.path === "/admin/oauth/access_token");

  it("refreshes an expiring token once, even when two jobs ask at the same moment", async () => {
    expect((await install("org-refresh", "zweiter-shop.myshopify.com")).location).toContain(
      "connected",
    );
    const { id } = await connectionOf("org-refresh");
    const old = await accessTokenFor(db, services.shopify, id);
    await expireNow("org-refresh");
    simulator.clearRequests();
    const [first, second] = await Promise.all([
      accessTokenFor(db, services.shopify, id),
      accessTokenFor(db, services.shopify, id),
    ]);
    expect(first).toBe(second);
    expect(first).not.toBe(old);
    expect(refreshRequests()).toHaveLength(1);
    // Fresh again: no further refresh.
    expect(await accessTokenFor(db, services.shopify, id)).toBe(first);
    expect(refreshRequests()).toHaveLength(1);
  });

  it("keeps the rotated pair when the session holding the refresh's lock is lost meanwhile", async () => {
    expect((await install("org-lost-session", "ausfall.myshopify.com")).location).toContain(
      "connected",
    );
    const { id } = await connectionOf("org-lost-session");
    await expireNow("org-lost-session");
    // Shopify rotates the pair while the database session that waits for it is terminated.
    const proxy = await startRefreshProxy(() =>
      db.pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks
         WHERE pid <> pg_backend_pid() AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND (locktype = 'advisory' OR (relation = 'shopify_connections'::regclass AND mode = 'RowShareLock'))`,
      ),
    );
    const through = { ...services.shopify, SHOPIFY_API_ORIGIN: proxy.url };
    const rotated = await accessTokenFor(db, through, id).catch(() => undefined);
    await proxy.close();
    // The connection goes on with the new pair, without asking the merchant again.
    const token = await accessTokenFor(db, services.shopify, id);
    expect(token).toBe(rotated);
    expect((await connectionOf("org-lost-session")).status).toBe("active");
  });

  it("marks the connection reauth_required when Shopify refuses the refresh", async () => {
    const { id } = await connectionOf("org-refresh");
    simulator.revokeTokens("zweiter-shop.myshopify.com");
    await expireNow("org-refresh");
    await expect(accessTokenFor(db, services.shopify, id)).rejects.toBeInstanceOf(
      ReauthRequiredError,
    );
    expect((await connectionOf("org-refresh")).status).toBe("reauth_required");
  });
});
