import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { listenForJobChanges } from "@roestify/api";
import { type Columns, type Database, encryptSql, mirrorTables } from "@roestify/db";
import { createTestDatabase } from "@roestify/db/testing";
import { createLogger } from "@roestify/runtime";
import { testSecrets, testServices } from "@roestify/runtime/testing";
import { SignJWT } from "jose";
import { afterAll, expect } from "vitest";
import { createApp } from "./app.ts";
import { readWebEnv } from "./env.ts";

export { testSecrets };

/**
 * The web app as a web process runs it (job changes included) on a fresh database, listening on
 * 127.0.0.1 with `APP_URL` its own address unless overridden; closed after the file's tests.
 */
export async function startTestApp(
  overrides: Record<string, string> = {},
  log = createLogger({ name: "web-test", level: "silent" }),
  options: { demoSignIn?: boolean } = {},
) {
  const db = await createTestDatabase();
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const jobEvents = await listenForJobChanges(db.url, log);
  const services = testServices(db, { APP_URL: url, ...overrides }, log);
  server.on(
    "request",
    createApp(services, { ...options, jobEvents, trustProxy: readWebEnv(overrides).TRUST_PROXY }),
  );
  afterAll(async () => {
    const closed = new Promise((resolve) => server.close(resolve));
    await jobEvents.close();
    server.closeAllConnections();
    await closed;
  });
  return { url, db, services };
}

/** A user's bearer token as Roestify's auth issues it. */
export async function signUserToken(
  claims: { sub?: string; org?: string } = {},
  options: { secret?: string; expiresIn?: string | number } = {},
) {
  const token = await new SignJWT({ org: claims.org ?? "org-1" })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.sub ?? "user-1")
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "1h")
    .sign(new TextEncoder().encode(options.secret ?? testSecrets.AUTH_JWT_SECRET));
  return `Bearer ${token}`;
}

/** A response body of this API: `{data}` or `{error}`. */
export interface Envelope {
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the endpoint answers
  data?: any;
  error?: { code: string; message: string; details?: unknown };
}

export const readEnvelope = async (response: Response) => (await response.json()) as Envelope;

/** The query string of an OAuth redirect, signed as Shopify signs it (with the test app secret). */
export function signedCallbackQuery(
  params: Record<string, string>,
  secret = testSecrets.SHOPIFY_API_SECRET,
) {
  const query = new URLSearchParams(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)));
  const message = query.toString().replace(/\+/g, "%20");
  query.set("hmac", createHmac("sha256", secret).update(message).digest("hex"));
  return query.toString();
}

/** A connected shop as the OAuth callback leaves it (a permanent token, two locations). */
export async function insertConnection(db: Database, organizationId: string, shop: string) {
  await db.pool.query("INSERT INTO organizations (id) VALUES ($1) ON CONFLICT DO NOTHING", [
    organizationId,
  ]);
  const result = await db.pool.query<Columns<"shopify_connections", "id">>(
    `INSERT INTO shopify_connections
       (organization_id, shop, scopes, api_version, access_token_encrypted, inventory_location_id)
     VALUES ($1, $2, 'read_products', '2026-10', ${encryptSql("$3", "$4")}, 101)
     RETURNING id`,
    [organizationId, shop, "shpat_test", testSecrets.TOKEN_ENCRYPTION_KEY],
  );
  const connectionId = result.rows[0]?.id as string;
  await db.pool.query(
    `INSERT INTO shopify_locations (connection_id, shopify_id, name, is_primary, raw)
     VALUES ($1, 101, 'Rösterei', true, '{}'), ($1, 102, 'Lager Nord', false, '{}')`,
    [connectionId],
  );
  return connectionId;
}

/** `mirror_counts` / `rows_written` of a connection with nothing mirrored yet. */
export const noRows = Object.fromEntries(mirrorTables.map((table) => [table, 0]));

/** What a merchant does: ask for the URL, open Shopify's consent page, click Installieren. */
export async function installApp(url: string, org: string, shopDomain: string) {
  return oauthCallback(url, await consentTo(url, org, shopDomain));
}

/** Up to the consent: where Shopify sends the browser back to (the OAuth callback). */
export async function consentTo(url: string, org: string, shopDomain: string) {
  const authorization = await signUserToken({ org, sub: `${org}-owner` });
  const authorize = await readEnvelope(
    await fetch(`${url}/api/v1/shopify/oauth/authorize?shop=${shopDomain}`, {
      headers: { authorization },
    }),
  );
  const consent = await fetch(authorize.data.authorize_url);
  const html = await consent.text();
  expect(html).toContain(`möchte auf ${shopDomain} zugreifen`);
  const form = new URLSearchParams(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(
      ([, name, value]): [string, string] => [
        name as string,
        (value as string).replace(/&amp;/g, "&"),
      ],
    ),
  );
  const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1] as string;
  const installed = await fetch(
    new URL(action.replace(/&amp;/g, "&"), authorize.data.authorize_url),
    { method: "POST", body: form, redirect: "manual" },
  );
  expect(installed.status).toBe(302);
  const callbackUrl = new URL(installed.headers.get("location") as string);
  expect(callbackUrl.pathname).toBe("/api/v1/shopify/oauth/callback");
  return callbackUrl;
}

/** The browser arriving at the app's OAuth callback. */
export async function oauthCallback(url: string, callbackUrl: URL) {
  const callback = await fetch(`${url}${callbackUrl.pathname}${callbackUrl.search}`, {
    redirect: "manual",
  });
  return { status: callback.status, location: callback.headers.get("location") };
}
