import { createServer } from "node:net";
import { beforeEach, describe, expect, it } from "vitest";
import { readEnvelope, signedCallbackQuery, signUserToken, startTestApp } from "./testing.ts";

// Nothing listens here: a token request to it fails like an unreachable Shopify.
const closedPort = await new Promise<number>((resolve) => {
  const server = createServer().listen(0, "127.0.0.1", () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});
const { url, db } = await startTestApp({ SHOPIFY_API_ORIGIN: `http://127.0.0.1:${closedPort}` });

const shop = "mein-shop.myshopify.com";
const now = () => String(Math.floor(Date.now() / 1000));

async function authorize(shopParam: string | undefined, org = "org-oauth", sub = "user-1") {
  const query = shopParam === undefined ? "" : `?shop=${encodeURIComponent(shopParam)}`;
  return fetch(`${url}/api/v1/shopify/oauth/authorize${query}`, {
    headers: { authorization: await signUserToken({ org, sub }) },
  });
}

async function newState(org = "org-oauth", sub = `user-${Math.random()}`) {
  const body = await readEnvelope(await authorize(shop, org, sub));
  return new URL(body.data.authorize_url).searchParams.get("state") as string;
}

async function callback(params: Record<string, string>, signed = true) {
  const query = signed ? signedCallbackQuery(params) : new URLSearchParams(params).toString();
  const response = await fetch(`${url}/api/v1/shopify/oauth/callback?${query}`, {
    redirect: "manual",
  });
  return response;
}

describe("GET /api/v1/shopify/oauth/authorize", () => {
  it("stores a one-time state for the user and shop and returns Shopify's URL", async () => {
    const response = await authorize(" Mein-Shop.myshopify.com", "org-a", "user-a");
    expect(response.status).toBe(200);
    const authorizeUrl = new URL((await readEnvelope(response)).data.authorize_url);
    expect(authorizeUrl.pathname).toBe("/admin/oauth/authorize");
    const params = Object.fromEntries(authorizeUrl.searchParams);
    expect(params).toMatchObject({
      client_id: "test-api-key",
      redirect_uri: `${url}/api/v1/shopify/oauth/callback`,
      shop,
      scope: expect.stringContaining("read_products"),
    });
    const stored = await db.pool.query(
      `SELECT organization_id, user_id, shop, used_at,
              round(extract(epoch FROM expires_at - created_at)) AS lifetime
       FROM shopify_oauth_states WHERE id = $1`,
      [params.state],
    );
    expect(stored.rows).toEqual([
      { organization_id: "org-a", user_id: "user-a", shop, used_at: null, lifetime: "600" },
    ]);
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["another domain", "evil.com"],
    ["a suffix attack", "x.myshopify.com.evil.com"],
    ["a URL", "https://x.myshopify.com/"],
    ["300 characters", `${"a".repeat(286)}.myshopify.com`],
    ["unicode", "rösterei.myshopify.com"],
  ])("answers 400 invalid_shop for a %s shop", async (_, shopParam) => {
    const response = await authorize(shopParam, "org-invalid", `user-${Math.random()}`);
    expect(response.status).toBe(400);
    expect((await readEnvelope(response)).error?.code).toBe("invalid_shop");
  });

  it("needs a signed-in user", async () => {
    const response = await fetch(`${url}/api/v1/shopify/oauth/authorize?shop=${shop}`);
    expect(response.status).toBe(401);
  });

  it("allows 5 requests a minute per user, valid or not, then 429 with headers", async () => {
    const statuses: number[] = [];
    for (const shopParam of [shop, "bad", shop, "bad", shop]) {
      statuses.push((await authorize(shopParam, "org-rl", "user-rl")).status);
    }
    expect(statuses).toEqual([200, 400, 200, 400, 200]);
    const limited = await authorize(shop, "org-rl", "user-rl");
    expect(limited.status).toBe(429);
    expect((await readEnvelope(limited)).error?.code).toBe("rate_limited");
    expect(limited.headers.get("ratelimit-limit")).toBe("5");
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    const reset = Number(limited.headers.get("ratelimit-reset"));
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(60);
    expect(limited.headers.get("retry-after")).toBe(String(reset));
    // Another user of the same organisation has a limit of their own.
    expect((await authorize(shop, "org-rl", "user-other")).status).toBe(200);
  });
});

describe("GET /api/v1/shopify/oauth/callback rejections", () => {
  // All requests come from 127.0.0.1: each test starts with a fresh per-IP window.
  beforeEach(async () => {
    await db.pool.query("DELETE FROM rate_limits WHERE key LIKE 'callback%'");
  });

  const params = (state: string, overrides: Record<string, string> = {}) => ({
    code: "code-1",
    host: "aG9zdA",
    shop,
    state,
    timestamp: now(),
    ...overrides,
  });

  async function expectRejected(response: Response, expected: string) {
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(
      `/dashboard/settings?tab=shopify&shopify=error&reason=${expected}`,
    );
  }

  it("refuses a forged HMAC without consuming the state", async () => {
    const state = await newState();
    const forged = signedCallbackQuery(params(state), "not-the-app-secret");
    const response = await fetch(`${url}/api/v1/shopify/oauth/callback?${forged}`, {
      redirect: "manual",
    });
    await expectRejected(response, "invalid_hmac");
    const used = await db.pool.query("SELECT used_at FROM shopify_oauth_states WHERE id = $1", [
      state,
    ]);
    expect(used.rows[0].used_at).toBeNull();
    await expectRejected(await callback(params(state), false), "invalid_hmac");
  });

  it("refuses missing parameters", async () => {
    await expectRejected(await callback({ shop, state: "x" }, false), "invalid_hmac");
    await expectRejected(await callback({ shop, timestamp: now(), code: "c" }), "invalid_state");
  });

  it("refuses an unknown or replayed state", async () => {
    await expectRejected(
      await callback(params("5a0c2f3e-1111-4222-8333-944455556666")),
      "invalid_state",
    );
    const state = await newState();
    await expectRejected(await callback(params(state, { timestamp: "1" })), "stale_timestamp");
    await expectRejected(await callback(params(state)), "invalid_state");
  });

  it("refuses an expired state", async () => {
    const state = await newState();
    await db.pool.query(
      "UPDATE shopify_oauth_states SET expires_at = now() - interval '1 second' WHERE id = $1",
      [state],
    );
    await expectRejected(await callback(params(state)), "expired_state");
  });

  it("refuses a state issued for another shop", async () => {
    const state = await newState();
    await expectRejected(
      await callback(params(state, { shop: "other-shop.myshopify.com" })),
      "invalid_state",
    );
  });

  it("refuses a stale timestamp", async () => {
    const state = await newState();
    const tenMinutesAgo = String(Math.floor(Date.now() / 1000) - 600);
    await expectRejected(
      await callback(params(state, { timestamp: tenMinutesAgo })),
      "stale_timestamp",
    );
  });

  it("refuses a shop connected to another organisation before asking Shopify", async () => {
    await db.pool.query(
      "INSERT INTO organizations (id) VALUES ('org-owner') ON CONFLICT DO NOTHING",
    );
    await db.pool.query(
      `INSERT INTO shopify_connections (organization_id, shop, scopes, api_version, access_token_encrypted)
       VALUES ('org-owner', 'taken.myshopify.com', '', '2026-10', '\\x')`,
    );
    const body = await readEnvelope(await authorize("taken.myshopify.com", "org-oauth", "u-taken"));
    const state = new URL(body.data.authorize_url).searchParams.get("state") as string;
    await expectRejected(
      await callback(params(state, { shop: "taken.myshopify.com" })),
      "shop_already_connected",
    );
  });

  it("reports a failed token exchange and stores no connection", async () => {
    const state = await newState("org-exchange");
    await expectRejected(await callback(params(state)), "token_exchange_failed");
    const connections = await db.pool.query(
      "SELECT 1 FROM shopify_connections WHERE organization_id = 'org-exchange'",
    );
    expect(connections.rowCount).toBe(0);
  });
});

describe("GET /api/v1/shopify/oauth/callback rate limit", () => {
  it("allows 10 requests a minute per IP, then answers 429 JSON, not a redirect", async () => {
    await db.pool.query("DELETE FROM rate_limits WHERE key LIKE 'callback%'");
    for (let i = 0; i < 10; i++) {
      expect((await callback({ shop, state: "x", timestamp: now() }, false)).status).toBe(302);
    }
    const limited = await callback({ shop, state: "x", timestamp: now() }, false);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("location")).toBeNull();
    expect((await readEnvelope(limited)).error?.code).toBe("rate_limited");
    expect(limited.headers.get("ratelimit-limit")).toBe("10");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
