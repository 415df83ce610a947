import { type Columns, type Queryable, transaction } from "@roestify/db";
import { enqueueJob } from "@roestify/jobs";
import type { Services } from "@roestify/runtime";
import {
  type AdminClient,
  createAdminClient,
  ensureWebhookSubscriptions,
  exchangeCode,
  fetchLocations,
  gidNumber,
  normalizeShopDomain,
  saveLocations,
  storeTokens,
  type TokenSet,
  testConnection,
  verifyOAuthHmac,
} from "@roestify/shopify";
import { sql } from "kysely";

export const oauthFailureReasons = [
  "invalid_hmac",
  "invalid_state",
  "expired_state",
  "stale_timestamp",
  "token_exchange_failed",
  "connection_test_failed",
  "shop_already_connected",
] as const;
export type OAuthFailureReason = (typeof oauthFailureReasons)[number];

class OAuthFailure extends Error {
  readonly reason: OAuthFailureReason;
  constructor(reason: OAuthFailureReason) {
    super(reason);
    this.reason = reason;
  }
}

// Shopify's own library allows 90 s of clock difference.
const timestampToleranceSeconds = 90;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const settingsPath = "/dashboard/settings?tab=shopify&shopify=";

/**
 * Completes OAuth for the redirect Shopify sent the browser back with, and answers where to send
 * the browser next. Checks, in the contract's order: HMAC, state (exists, unused, unexpired, for
 * this shop — consumed either way), timestamp, then a shop of another organisation. Only then it
 * exchanges the code, tests the token, and stores connection, locations and a full sync at once.
 */
export async function completeOAuth(services: Services, query: URLSearchParams): Promise<string> {
  try {
    await connect(services, query);
    return `${settingsPath}connected`;
  } catch (error) {
    if (!(error instanceof OAuthFailure)) throw error;
    services.log.warn(
      { shop: normalizeShopDomain(query.get("shop")) ?? null, reason: error.reason },
      "shopify oauth failed",
    );
    return `${settingsPath}error&reason=${error.reason}`;
  }
}

async function connect(services: Services, query: URLSearchParams) {
  const { db, shopify } = services;
  if (!verifyOAuthHmac(query, shopify.SHOPIFY_API_SECRET)) throw new OAuthFailure("invalid_hmac");
  const state = await consumeState(services, query.get("state"));
  const shop = normalizeShopDomain(query.get("shop"));
  if (!shop || shop !== state.shop) throw new OAuthFailure("invalid_state");
  if (state.expires_at.getTime() < Date.now()) throw new OAuthFailure("expired_state");
  const timestamp = Number(query.get("timestamp"));
  if (!(Math.abs(Date.now() / 1000 - timestamp) <= timestampToleranceSeconds)) {
    throw new OAuthFailure("stale_timestamp");
  }
  await assertShopAvailable(db.pool, shop, state.organization_id);

  const code = query.get("code");
  const tokens = code
    ? await exchangeCode(shopify, shop, code).catch(() => {
        throw new OAuthFailure("token_exchange_failed");
      })
    : failWith("token_exchange_failed");
  const client = createAdminClient({
    env: shopify,
    shop,
    accessToken: async () => tokens.accessToken,
    maxRetries: 2,
  });
  // Both settle before the answer: no request of this callback outlives it.
  const [test, listed] = await Promise.allSettled([testConnection(client), fetchLocations(client)]);
  if (test.status === "rejected" || listed.status === "rejected") {
    throw new OAuthFailure("connection_test_failed");
  }
  const primary = test.value.location;
  const locations = listed.value;

  await transaction(db.pool, async (tx) => {
    // Connects of one shop take turns: the second sees the first's connection (a row lock
    // cannot guard a row that does not exist yet).
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('shopify_connect'), hashtext($1))", [
      shop,
    ]);
    await assertShopAvailable(tx, shop, state.organization_id);
    const connectionId = await saveConnection(tx, {
      organizationId: state.organization_id,
      shop,
      tokens,
      apiVersion: shopify.SHOPIFY_API_VERSION,
      key: shopify.TOKEN_ENCRYPTION_KEY,
    });
    await saveLocations(tx, connectionId, locations, primary?.id);
    // The inventory location stays the user's choice while it exists; else the primary one.
    await tx.query(
      `UPDATE shopify_connections SET inventory_location_id = $2
       WHERE id = $1 AND (inventory_location_id IS NULL OR inventory_location_id NOT IN
         (SELECT shopify_id FROM shopify_locations WHERE connection_id = $1))`,
      [connectionId, primary ? gidNumber(primary.id) : null],
    );
    await enqueueJob(tx, {
      organizationId: state.organization_id,
      connectionId,
      type: "full_sync",
      requestedBy: `oauth:${state.user_id}`,
    });
  });
  await subscribeToWebhooks(services, client);
}

/**
 * The shop's webhook subscriptions, one per topic. A failure does not undo the connection: the
 * minutely tick keeps the mirrors fresh meanwhile, and the next connect subscribes again.
 */
async function subscribeToWebhooks(services: Services, client: AdminClient) {
  const uri = `${services.env.APP_URL}/api/v1/shopify/webhooks`;
  try {
    const result = await ensureWebhookSubscriptions(client, uri);
    services.log.info({ shop: client.shop, ...result }, "shopify webhook subscriptions ensured");
  } catch (error) {
    services.log.warn(
      { shop: client.shop, err: (error as Error).message },
      "shopify webhook subscriptions failed",
    );
  }
}

function failWith(reason: OAuthFailureReason): never {
  throw new OAuthFailure(reason);
}

/** Marks the state used, whatever comes next: a state is good for one attempt only. */
async function consumeState(services: Services, state: string | null) {
  if (!state || !uuid.test(state)) throw new OAuthFailure("invalid_state");
  const row = await services.db.sql
    .updateTable("shopify_oauth_states")
    .set({ used_at: sql`now()` })
    .where("id", "=", state)
    .where("used_at", "is", null)
    .returning(["organization_id", "user_id", "shop", "expires_at"])
    .executeTakeFirst();
  if (!row) throw new OAuthFailure("invalid_state");
  return row;
}

async function assertShopAvailable(db: Queryable, shop: string, organizationId: string) {
  const owner = await db.query(
    `SELECT 1 FROM shopify_connections
     WHERE shop = $1 AND organization_id <> $2 AND status <> 'disconnected' FOR UPDATE`,
    [shop, organizationId],
  );
  if (owner.rowCount) throw new OAuthFailure("shop_already_connected");
}

/**
 * The organisation's connection with fresh tokens. Reconnecting the same shop replaces the tokens
 * and reactivates it; connecting a different shop replaces the old connection and its mirrors.
 */
async function saveConnection(
  tx: Queryable,
  options: {
    organizationId: string;
    shop: string;
    tokens: TokenSet;
    apiVersion: string;
    key: string;
  },
): Promise<string> {
  await tx.query("DELETE FROM shopify_connections WHERE organization_id = $1 AND shop <> $2", [
    options.organizationId,
    options.shop,
  ]);
  const result = await tx.query<Columns<"shopify_connections", "id">>(
    `INSERT INTO shopify_connections (organization_id, shop, api_version, scopes, access_token_encrypted)
     VALUES ($1, $2, $3, '', '\\x')
     ON CONFLICT (organization_id) DO UPDATE SET status = 'active', api_version = $3, connected_at = now()
     RETURNING id`,
    [options.organizationId, options.shop, options.apiVersion],
  );
  const id = result.rows[0]?.id as string;
  await storeTokens(tx, id, options.tokens, options.key);
  return id;
}
