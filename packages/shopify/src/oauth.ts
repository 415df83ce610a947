import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { ShopifyEnv } from "./env.ts";
import { shopifyFetch, shopifyTarget } from "./http.ts";

/** Shopify's authorization URL for an offline (shop-wide) token. */
export function authorizeUrl(
  env: ShopifyEnv,
  options: { shop: string; state: string; redirectUri: string },
): string {
  const target = shopifyTarget(env, options.shop, "/admin/oauth/authorize");
  const url = new URL(target.url);
  url.searchParams.set("client_id", env.SHOPIFY_API_KEY);
  url.searchParams.set("scope", env.SHOPIFY_SCOPES);
  url.searchParams.set("redirect_uri", options.redirectUri);
  url.searchParams.set("state", options.state);
  // Through the simulator origin the host no longer names the shop.
  if (env.SHOPIFY_API_ORIGIN) url.searchParams.set("shop", options.shop);
  return url.toString();
}

/**
 * Checks the `hmac` Shopify adds to the OAuth redirect: hex HMAC-SHA256 with the app secret over
 * every other parameter (`signature` excluded), sorted by key, URL-encoded with spaces as %20 —
 * the same string @shopify/shopify-api signs. Compared in constant time. The timestamp is checked
 * separately, after the state (CONTRACT.md fixes that order).
 */
export function verifyOAuthHmac(query: URLSearchParams, secret: string): boolean {
  const hmac = query.get("hmac");
  if (!hmac || !/^[0-9a-f]{64}$/i.test(hmac)) return false;
  const signed = new URLSearchParams();
  const keys = [...new Set(query.keys())].filter((key) => key !== "hmac" && key !== "signature");
  for (const key of keys.sort((a, b) => a.localeCompare(b))) {
    signed.append(key, query.getAll(key).join(","));
  }
  const message = signed.toString().replace(/\+/g, "%20");
  const expected = createHmac("sha256", secret).update(message).digest();
  return timingSafeEqual(expected, Buffer.from(hmac, "hex"));
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  scope: z.string(),
  expires_in: z.number().int().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: z.number().int().positive().optional(),
});

/** Tokens as Shopify issued them, with absolute expiry times (none for permanent tokens). */
export interface TokenSet {
  accessToken: string;
  scope: string;
  accessTokenExpiresAt: Date | null;
  refreshToken: string | null;
  refreshTokenExpiresAt: Date | null;
}

/** Shopify refused a token request; `refused` means the grant itself is invalid (reconnect). */
export class TokenRequestError extends Error {
  override name = "TokenRequestError";
  readonly refused: boolean;
  constructor(message: string, refused: boolean) {
    super(message);
    this.refused = refused;
  }
}

/** Exchanges the authorization code for an expiring offline token and its refresh token. */
export function exchangeCode(env: ShopifyEnv, shop: string, code: string): Promise<TokenSet> {
  return requestToken(env, shop, { code, expiring: "1" });
}

/** A new access token from the refresh token; Shopify rotates the refresh token too. */
export function refreshAccessToken(
  env: ShopifyEnv,
  shop: string,
  refreshToken: string,
): Promise<TokenSet> {
  return requestToken(env, shop, { grant_type: "refresh_token", refresh_token: refreshToken });
}

async function requestToken(
  env: ShopifyEnv,
  shop: string,
  grant: Record<string, string>,
): Promise<TokenSet> {
  const requestedAt = Date.now();
  let response: Response;
  try {
    response = await shopifyFetch(env, shop, "/admin/oauth/access_token", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        client_id: env.SHOPIFY_API_KEY,
        client_secret: env.SHOPIFY_API_SECRET,
        ...grant,
      }),
    });
  } catch (error) {
    throw new TokenRequestError(`token request failed: ${(error as Error).name}`, false);
  }
  // Only the status goes into the error: Shopify's body could echo what was sent.
  if (!response.ok) {
    throw new TokenRequestError(
      `token request answered HTTP ${response.status}`,
      response.status === 400 || response.status === 401,
    );
  }
  const parsed = tokenResponse.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new TokenRequestError("token response was not understood", false);
  const token = parsed.data;
  const at = (seconds: number | undefined) =>
    seconds === undefined ? null : new Date(requestedAt + seconds * 1000);
  return {
    accessToken: token.access_token,
    scope: token.scope,
    accessTokenExpiresAt: at(token.expires_in),
    refreshToken: token.refresh_token ?? null,
    refreshTokenExpiresAt: at(token.refresh_token_expires_in),
  };
}
