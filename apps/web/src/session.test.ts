import { describe, expect, it } from "vitest";
import { insertConnection, readEnvelope, signUserToken, startTestApp } from "./testing.ts";

const { url, db } = await startTestApp({}, undefined, { demoSignIn: true });
await insertConnection(db, "org-cookie", "cookie.myshopify.com");

const sessionToken = async (org = "org-cookie", options = {}) =>
  (await signUserToken({ org }, options)).replace(/^Bearer /, "");
const cookie = async (org?: string) => `roestify_session=${await sessionToken(org)}`;

type TrpcError = { error: { data: { code: string; apiError: { code: string } } } };

/** A tRPC mutation as the dashboard sends it (one call, not batched). */
const locationMutation = async (headers: Record<string, string>) =>
  fetch(`${url}/trpc/shopify.updateConnection`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ inventory_location_id: "gid://shopify/Location/102" }),
  });

describe("GET /dashboard/settings", () => {
  it("answers 401 with a German HTML page without a valid session", async () => {
    const expired = `roestify_session=${await sessionToken("org-cookie", { expiresIn: -10 })}`;
    for (const headers of [{}, { cookie: "roestify_session=nonsense" }, { cookie: expired }]) {
      const response = await fetch(`${url}/dashboard/settings?tab=shopify`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await response.text()).toContain("Anmeldung erforderlich");
    }
    // A bearer header is no browser session.
    const bearer = await fetch(`${url}/dashboard/settings?tab=shopify`, {
      headers: { authorization: await signUserToken({ org: "org-cookie" }) },
    });
    expect(bearer.status).toBe(401);
  });

  it("serves the built page, whose script and styles load from /dashboard/assets", async () => {
    const response = await fetch(`${url}/dashboard/settings?tab=shopify`, {
      headers: { cookie: await cookie() },
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<html lang="de">');
    const script = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const asset = await fetch(`${url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
  });
});

describe("the session cookie", () => {
  it("authenticates tRPC queries as a bearer token does", async () => {
    const response = await fetch(`${url}/trpc/shopify.status`, {
      headers: { cookie: await cookie() },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { data: { connection: { shop: string } } } };
    expect(body.result.data.connection.shop).toBe("cookie.myshopify.com");
  });

  it("refuses a cookie-authenticated mutation from another origin with 403 FORBIDDEN", async () => {
    const origins: Record<string, string>[] = [{ origin: "https://evil.example" }, {}];
    for (const origin of origins) {
      const response = await locationMutation({ cookie: await cookie(), ...origin });
      expect(response.status).toBe(403);
      const body = (await response.json()) as TrpcError;
      expect(body.error.data.code).toBe("FORBIDDEN");
      expect(body.error.data.apiError.code).toBe("forbidden");
    }
    const rest = await fetch(`${url}/api/v1/shopify/sync`, {
      method: "POST",
      headers: { cookie: await cookie(), origin: "https://evil.example" },
      body: JSON.stringify({ type: "full" }),
    });
    expect(rest.status).toBe(403);
    expect((await readEnvelope(rest)).error?.code).toBe("forbidden");
    const jobs = await db.pool.query("SELECT 1 FROM shopify_sync_jobs");
    expect(jobs.rowCount).toBe(0);
  });

  it("accepts it from the app's own origin, and a bearer token from anywhere", async () => {
    const sameOrigin = await locationMutation({ cookie: await cookie(), origin: url });
    expect(sameOrigin.status).toBe(200);
    const bearer = await locationMutation({
      authorization: await signUserToken({ org: "org-cookie" }),
      cookie: await cookie(),
      origin: "https://evil.example",
    });
    expect(bearer.status).toBe(200);
  });
});

describe("GET /dashboard/demo-sign-in", () => {
  it("sets the session cookie (HttpOnly, SameSite=Lax) and opens the page", async () => {
    const token = await sessionToken("demo-roesterei");
    const response = await fetch(`${url}/dashboard/demo-sign-in?token=${token}`, {
      redirect: "manual",
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/dashboard/settings?tab=shopify");
    expect(response.headers.get("set-cookie")).toBe(
      `roestify_session=${token}; Path=/; HttpOnly; SameSite=Lax`,
    );
    const refused = await fetch(`${url}/dashboard/demo-sign-in?token=forged`, {
      redirect: "manual",
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("set-cookie")).toBeNull();
  });

  it("is Secure behind an https APP_URL, and absent outside demo mode", async () => {
    const secure = await startTestApp({ APP_URL: "https://roestify.example" }, undefined, {
      demoSignIn: true,
    });
    const token = await sessionToken();
    const response = await fetch(`${secure.url}/dashboard/demo-sign-in?token=${token}`, {
      redirect: "manual",
    });
    expect(response.headers.get("set-cookie")).toContain("; Secure");
    const production = await startTestApp();
    const absent = await fetch(`${production.url}/dashboard/demo-sign-in?token=${token}`, {
      redirect: "manual",
    });
    expect(absent.status).toBe(404);
  });
});
