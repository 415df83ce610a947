import "@shopify/shopify-api/adapters/node";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, SHOP, startWithShop, type TestSimulator } from "./test-helpers.ts";

const API_KEY = "test-key";
const API_SECRET = "test-secret";
const REDIRECT = "http://127.0.0.1:3000/api/v1/shopify/oauth/callback";
const SCOPES = "read_products,read_inventory,write_inventory";

// The app validates the callback with Shopify's own library; so does this test.
const shopify = shopifyApi({
  apiKey: API_KEY,
  apiSecretKey: API_SECRET,
  apiVersion: ApiVersion.October26,
  hostName: "127.0.0.1:3000",
  isEmbeddedApp: false,
  scopes: SCOPES.split(","),
  logger: { level: 0 },
});

let t: TestSimulator;

beforeAll(async () => {
  // Real time: the library refuses HMAC timestamps more than 90 s off its own clock.
  t = await startWithShop({ apiKey: API_KEY, apiSecret: API_SECRET }, { products: 2, orders: 0 });
});
afterAll(() => t.sim.close());

function authorizeUrl(overrides: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    client_id: API_KEY,
    scope: SCOPES,
    redirect_uri: REDIRECT,
    state: "6c6f5a4e-0c54-4d0e-9a43-7d7b0a1d2c3e",
    shop: SHOP,
    ...overrides,
  });
  return `${t.sim.url}/admin/oauth/authorize?${query}`;
}

/** Submits the consent form as a browser would and returns the redirect back to the app. */
async function install(): Promise<URL> {
  const page = await (await fetch(authorizeUrl())).text();
  const fields = [...page.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map(
    ([, name, value]) => [name as string, (value as string).replace(/&amp;/g, "&")],
  );
  const res = await fetch(`${t.sim.url}/admin/oauth/install`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields as [string, string][]),
    redirect: "manual",
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location") as string);
}

async function tokenRequest(body: Record<string, string>, form = false) {
  const res = await fetch(`${t.sim.url}/admin/oauth/access_token`, {
    method: "POST",
    headers: {
      "Content-Type": form ? "application/x-www-form-urlencoded" : "application/json",
      "X-Forwarded-Host": SHOP,
    },
    body: form ? new URLSearchParams(body) : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: token endpoint answers are read ad hoc.
  return { status: res.status, body: (await res.json()) as any };
}

describe("authorization", () => {
  it("shows a German consent page with the requested scopes", async () => {
    const res = await fetch(authorizeUrl());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain(`Roestify möchte auf ${SHOP} zugreifen`);
    for (const scope of SCOPES.split(",")) expect(html).toContain(scope);
    expect(html).toContain("Installieren");
  });

  it("refuses an unknown client_id and an unknown shop", async () => {
    const wrongClient = await fetch(authorizeUrl({ client_id: "someone-else" }));
    expect(wrongClient.status).toBe(400);
    expect(await wrongClient.text()).toContain("Oauth error invalid_request");
    expect((await fetch(authorizeUrl({ shop: "unknown.myshopify.com" }))).status).toBe(404);
  });

  it("redirects back with a code and an HMAC that @shopify/shopify-api accepts", async () => {
    const callback = await install();
    expect(callback.origin + callback.pathname).toBe(REDIRECT);
    const query = Object.fromEntries(callback.searchParams);
    expect(Object.keys(query).sort()).toEqual([
      "code",
      "hmac",
      "host",
      "shop",
      "state",
      "timestamp",
    ]);
    expect(query.shop).toBe(SHOP);
    expect(Buffer.from(query.host as string, "base64").toString()).toBe(
      "admin.shopify.com/store/test-roastery",
    );
    expect(Math.abs(Number(query.timestamp) - Date.now() / 1000)).toBeLessThan(5);
    await expect(shopify.utils.validateHmac(query)).resolves.toBe(true);
    await expect(shopify.utils.validateHmac({ ...query, state: "forged" })).resolves.toBe(false);
  });
});

describe("token exchange", () => {
  it("exchanges a code exactly once for an expiring token", async () => {
    const code = (await install()).searchParams.get("code") as string;
    const request = { client_id: API_KEY, client_secret: API_SECRET, code, expiring: "1" };
    const first = await tokenRequest(request);
    expect(first).toEqual({
      status: 200,
      body: {
        access_token: expect.stringMatching(/^shpat_[0-9a-f]{32}$/),
        scope: "read_products,write_inventory",
        expires_in: 3600,
        refresh_token: expect.stringMatching(/^shprt_[0-9a-f]{32}$/),
        refresh_token_expires_in: 7_776_000,
      },
    });
    expect((await graphql(t.sim.url, first.body.access_token, "{ shop { name } }")).status).toBe(
      200,
    );
    const again = await tokenRequest(request);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe("invalid_request");
  });

  it("issues permanent tokens without `expiring`, and refuses a wrong secret", async () => {
    const code = (await install()).searchParams.get("code") as string;
    const wrong = await tokenRequest({ client_id: API_KEY, client_secret: "nope", code });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe("invalid_client");
    const permanent = await tokenRequest(
      { client_id: API_KEY, client_secret: API_SECRET, code },
      true,
    );
    expect(permanent.body).toEqual({
      access_token: expect.stringMatching(/^shpat_/),
      scope: "read_products,write_inventory",
    });
  });

  it("rotates refresh tokens and refuses reused ones with invalid_grant", async () => {
    const issued = t.sim.createAccessToken(SHOP, { expiring: true });
    const refresh = (token: string) =>
      tokenRequest(
        {
          client_id: API_KEY,
          client_secret: API_SECRET,
          grant_type: "refresh_token",
          refresh_token: token,
        },
        true,
      );
    const rotated = await refresh(issued.refresh_token as string);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(issued.refresh_token);
    expect(rotated.body.access_token).not.toBe(issued.access_token);
    const reused = await refresh(issued.refresh_token as string);
    expect(reused).toEqual({
      status: 400,
      body: {
        error: "invalid_grant",
        error_description: "The refresh token has already been used.",
      },
    });
    expect((await refresh(rotated.body.refresh_token)).status).toBe(200);
    expect((await refresh("shprt_unknown")).body.error).toBe("invalid_grant");
  });

  it("lets access tokens and codes expire", async () => {
    const code = (await install()).searchParams.get("code") as string;
    const issued = t.sim.createAccessToken(SHOP, { expiring: true });
    const permanent = t.sim.createAccessToken(SHOP);
    t.sim.advanceClock(3601_000);
    try {
      expect((await graphql(t.sim.url, issued.access_token, "{ shop { name } }")).status).toBe(401);
      expect((await graphql(t.sim.url, permanent.access_token, "{ shop { name } }")).status).toBe(
        200,
      );
      expect(
        (await tokenRequest({ client_id: API_KEY, client_secret: API_SECRET, code })).status,
      ).toBe(400);
    } finally {
      t.sim.advanceClock(-3601_000);
    }
  });

  it("can expire or revoke tokens and fail the next exchange on request", async () => {
    const issued = t.sim.createAccessToken(SHOP, { expiring: true });
    expect(t.sim.expireTokens(SHOP, { token: issued.access_token })).toEqual({ expired: 1 });
    expect((await graphql(t.sim.url, issued.access_token, "{ shop { name } }")).status).toBe(401);

    const permanent = t.sim.createAccessToken(SHOP);
    t.sim.revokeTokens(SHOP, { token: permanent.access_token });
    expect((await graphql(t.sim.url, permanent.access_token, "{ shop { name } }")).status).toBe(
      401,
    );

    const { redirectUrl } = t.sim.install(SHOP, { scope: SCOPES, redirectUri: REDIRECT });
    const code = new URL(redirectUrl).searchParams.get("code") as string;
    t.sim.failNextTokenExchange(SHOP, { status: 503, error: "temporarily_unavailable" });
    const failed = await tokenRequest({ client_id: API_KEY, client_secret: API_SECRET, code });
    expect(failed.status).toBe(503);
    expect(
      (await tokenRequest({ client_id: API_KEY, client_secret: API_SECRET, code })).status,
    ).toBe(200);
  });
});
