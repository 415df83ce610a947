/**
 * Shopify's OAuth authorization code grant: the consent page, the signed redirect back to the
 * app, the code exchange (permanent or expiring offline tokens) and refresh-token rotation.
 * https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { escapeHtml, type HttpAnswer, json, redirect } from "./http.ts";
import type { Simulation } from "./simulation.ts";

const CODE_TTL_MS = 10 * 60_000;
const ACCESS_TOKEN_TTL_S = 3600;
const REFRESH_TOKEN_TTL_S = 90 * 86_400;

interface Grant {
  shop: string;
  scope: string;
  expiresAt: number;
  used: boolean;
}

export interface AccessToken {
  shop: string;
  scope: string;
  /** Null for permanent tokens. */
  expiresAt: number | null;
}

interface RefreshToken {
  shop: string;
  scope: string;
  expiresAt: number;
  used: boolean;
}

export interface TokenFailure {
  status: number;
  error: string;
  errorDescription: string;
}

export interface TokenResponse {
  access_token: string;
  scope: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
}

export interface InstallRequest {
  clientId: string;
  scope: string;
  redirectUri: string;
  state?: string;
}

/** German consent-page wording for the scopes a roastery app asks for. */
const scopeLabels: Record<string, string> = {
  read_products: "Produkte, Varianten und Kollektionen lesen",
  write_products: "Produkte, Varianten und Kollektionen bearbeiten",
  read_orders: "Bestellungen der letzten 60 Tage lesen",
  read_all_orders: "Alle Bestellungen lesen",
  read_customers: "Kundendaten lesen",
  read_fulfillments: "Sendungen und Fulfillments lesen",
  read_inventory: "Lagerbestände lesen",
  write_inventory: "Lagerbestände ändern",
  read_locations: "Standorte lesen",
};

const SCOPE_PATTERN = /^(unauthenticated_)?(read|write)_[a-z_]+$/;

export class OAuth {
  readonly #sim: Simulation;
  readonly #codes = new Map<string, Grant>();
  readonly #tokens = new Map<string, AccessToken>();
  readonly #refreshTokens = new Map<string, RefreshToken>();
  readonly #failNext = new Map<string, TokenFailure>();

  constructor(sim: Simulation) {
    this.#sim = sim;
  }

  /** `GET /admin/oauth/authorize`: the consent page, or Shopify's error page. */
  authorizePage(shop: string, query: URLSearchParams): HttpAnswer {
    const request = this.#installRequest(query);
    const problem = this.#check(request);
    if (problem) return errorPage(problem);
    const scopes = request.scope.split(",").filter(Boolean);
    const hidden = Object.entries({
      shop,
      client_id: request.clientId,
      scope: request.scope,
      redirect_uri: request.redirectUri,
      state: request.state ?? "",
    })
      .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
      .join("\n      ");
    const app = escapeHtml(this.#sim.options.appName);
    const body = `<!doctype html>
<html lang="de">
  <head><meta charset="utf-8"><title>${app} installieren</title></head>
  <body>
    <main>
      <h1>${app} möchte auf ${escapeHtml(shop)} zugreifen</h1>
      <p>Die App erhält diese Berechtigungen:</p>
      <ul>
        ${scopes.map((s) => `<li><code>${escapeHtml(s)}</code> – ${escapeHtml(scopeLabels[s] ?? s)}</li>`).join("\n        ")}
      </ul>
      <form method="post" action="/admin/oauth/install?shop=${encodeURIComponent(shop)}">
      ${hidden}
      <button type="submit">Installieren</button>
      </form>
    </main>
  </body>
</html>`;
    return { status: 200, body };
  }

  /** The "Installieren" button (`POST` or `GET /admin/oauth/install`). */
  installAnswer(shop: string, params: URLSearchParams): HttpAnswer {
    const request = this.#installRequest(params);
    const problem = this.#check(request);
    return problem ? errorPage(problem) : redirect(this.approve(shop, request));
  }

  /** Grants the app access and returns the URL Shopify redirects the merchant to. */
  approve(shop: string, request: InstallRequest): string {
    const problem = this.#check(request);
    if (problem) throw new Error(problem);
    const code = randomBytes(16).toString("hex");
    const now = this.#sim.clock.now();
    this.#codes.set(code, {
      shop,
      scope: request.scope,
      expiresAt: now + CODE_TTL_MS,
      used: false,
    });
    const params: Record<string, string> = {
      code,
      host: Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`)
        .toString("base64")
        .replace(/=+$/, ""),
      shop,
      timestamp: String(Math.floor(now / 1000)),
    };
    if (request.state !== undefined) params.state = request.state;
    const query = new URLSearchParams(params);
    query.set("hmac", signQuery(params, this.#sim.options.apiSecret));
    const url = new URL(request.redirectUri);
    for (const [key, value] of query) url.searchParams.set(key, value);
    return url.toString();
  }

  /** `POST /admin/oauth/access_token`: code exchange or refresh. */
  exchange(shop: string, body: Record<string, string>): HttpAnswer {
    const failure = this.#failNext.get(shop);
    if (failure) {
      this.#failNext.delete(shop);
      return json(failure.status, {
        error: failure.error,
        error_description: failure.errorDescription,
      });
    }
    const { apiKey, apiSecret } = this.#sim.options;
    if (body.client_id !== apiKey || !safeEqual(body.client_secret ?? "", apiSecret)) {
      return json(401, {
        error: "invalid_client",
        error_description: "Client authentication failed: unknown client or wrong client secret.",
      });
    }
    return body.grant_type === "refresh_token"
      ? this.#refresh(shop, body.refresh_token ?? "")
      : this.#redeem(shop, body);
  }

  #redeem(shop: string, body: Record<string, string>): HttpAnswer {
    const grant = this.#codes.get(body.code ?? "");
    if (!grant || grant.used || grant.shop !== shop || grant.expiresAt <= this.#sim.clock.now()) {
      return json(400, {
        error: "invalid_request",
        error_description: "The authorization code was not found or was already used",
      });
    }
    grant.used = true;
    const expiring = body.expiring === "1" || body.expiring === "true";
    return json(200, this.issue(shop, grant.scope, expiring));
  }

  #refresh(shop: string, token: string): HttpAnswer {
    const refresh = this.#refreshTokens.get(token);
    const invalid = (description: string) =>
      json(400, { error: "invalid_grant", error_description: description });
    if (!refresh || refresh.shop !== shop) return invalid("The refresh token is invalid.");
    if (refresh.used) return invalid("The refresh token has already been used.");
    if (refresh.expiresAt <= this.#sim.clock.now())
      return invalid("The refresh token has expired.");
    refresh.used = true;
    return json(200, this.issue(shop, refresh.scope, true));
  }

  /** A new access token (and refresh token when expiring), as the token endpoint returns it. */
  issue(shop: string, scope: string, expiring: boolean): TokenResponse {
    const now = this.#sim.clock.now();
    const accessToken = `shpat_${randomBytes(16).toString("hex")}`;
    const granted = impliedScopesRemoved(scope);
    this.#tokens.set(accessToken, {
      shop,
      scope: granted,
      expiresAt: expiring ? now + ACCESS_TOKEN_TTL_S * 1000 : null,
    });
    if (!expiring) return { access_token: accessToken, scope: granted };
    const refreshToken = `shprt_${randomBytes(16).toString("hex")}`;
    this.#refreshTokens.set(refreshToken, {
      shop,
      scope: granted,
      expiresAt: now + REFRESH_TOKEN_TTL_S * 1000,
      used: false,
    });
    return {
      access_token: accessToken,
      scope: granted,
      expires_in: ACCESS_TOKEN_TTL_S,
      refresh_token: refreshToken,
      refresh_token_expires_in: REFRESH_TOKEN_TTL_S,
    };
  }

  /** The token if it is valid for the shop right now. */
  verify(shop: string, token: string | undefined): AccessToken | undefined {
    const record = token ? this.#tokens.get(token) : undefined;
    if (!record || record.shop !== shop) return undefined;
    if (record.expiresAt !== null && record.expiresAt <= this.#sim.clock.now()) return undefined;
    return record;
  }

  /** Revokes one token, or all of a shop's (access and refresh), as uninstalling does. */
  revoke(shop: string, token?: string): number {
    let count = 0;
    for (const map of [this.#tokens, this.#refreshTokens] as Map<string, { shop: string }>[]) {
      for (const [key, record] of map) {
        if (record.shop === shop && (token === undefined || key === token)) {
          map.delete(key);
          count++;
        }
      }
    }
    return count;
  }

  /** Makes access tokens (one or all of the shop's) and their refresh tokens expire now. */
  expire(shop: string, token?: string): number {
    const now = this.#sim.clock.now();
    let count = 0;
    for (const map of [this.#tokens, this.#refreshTokens] as Map<
      string,
      { shop: string; expiresAt: number | null }
    >[]) {
      for (const [key, record] of map) {
        if (record.shop === shop && (token === undefined || key === token)) {
          record.expiresAt = now;
          count++;
        }
      }
    }
    return count;
  }

  failNextExchange(shop: string, failure: TokenFailure): void {
    this.#failNext.set(shop, failure);
  }

  #installRequest(query: URLSearchParams): InstallRequest {
    return {
      clientId: query.get("client_id") ?? "",
      scope: query.get("scope") ?? "",
      redirectUri: query.get("redirect_uri") ?? "",
      state: query.get("state") || undefined,
    };
  }

  #check(request: InstallRequest): string | undefined {
    if (request.clientId !== this.#sim.options.apiKey) {
      return `invalid_request: Could not find Shopify API application with api_key ${request.clientId}`;
    }
    const scopes = request.scope.split(",").map((s) => s.trim());
    const invalidScope = scopes.filter(Boolean).find((s) => !SCOPE_PATTERN.test(s));
    if (invalidScope !== undefined)
      return `invalid_scope: The access scope is invalid: ${invalidScope}`;
    let uri: URL;
    try {
      uri = new URL(request.redirectUri);
    } catch {
      return "invalid_request: The redirect_uri is missing or not a valid URL";
    }
    const allowed = this.#sim.options.redirectUris;
    if (
      !/^https?:$/.test(uri.protocol) ||
      (allowed && !allowed.includes(request.redirectUri.split("?")[0] ?? ""))
    ) {
      return "invalid_request: The redirect_uri is not whitelisted";
    }
    return undefined;
  }
}

function errorPage(problem: string): HttpAnswer {
  return {
    status: 400,
    body: `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Fehler</title></head><body><h1>Oauth error ${escapeHtml(problem)}</h1></body></html>`,
  };
}

/**
 * Shopify's signature on redirects: hex HMAC-SHA256 over the other parameters sorted by key,
 * form-encoded with spaces as %20 (exactly what @shopify/shopify-api recomputes).
 */
export function signQuery(params: Record<string, string>, secret: string): string {
  const message = new URLSearchParams(
    Object.keys(params)
      .filter((key) => key !== "hmac" && key !== "signature")
      .sort((a, b) => a.localeCompare(b))
      .map((key): [string, string] => [key, params[key] as string]),
  )
    .toString()
    .replace(/\+/g, "%20");
  return createHmac("sha256", secret).update(message).digest("hex");
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Shopify reports granted scopes without the `read_x` that a `write_x` implies. */
function impliedScopesRemoved(scope: string): string {
  const scopes = [
    ...new Set(
      scope
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  return scopes
    .filter((s) => !(s.startsWith("read_") && scopes.includes(`write_${s.slice(5)}`)))
    .join(",");
}
