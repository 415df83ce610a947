import {
  type Columns,
  type Database,
  decryptSql,
  decryptToken,
  encryptSql,
  type Queryable,
} from "@roestify/db";
import type pg from "pg";
import { type ShopifyEnv, tokenKeys } from "./env.ts";
import { refreshAccessToken, TokenRequestError, type TokenSet } from "./oauth.ts";

/** The connection needs the user to connect the shop again (refresh refused, token revoked). */
export class ReauthRequiredError extends Error {
  override name = "ReauthRequiredError";
  constructor(shop: string) {
    super(`Shopify refused the tokens of ${shop}: the shop must be connected again`);
  }
}

// Refresh this long before expiry, so no request is sent with a token about to lapse.
const defaultRefreshWithinMs = 5 * 60 * 1000;

/** Stores the connection's token set, encrypted with `key` (a bind parameter, never SQL text). */
export async function storeTokens(
  db: Queryable,
  connectionId: string,
  tokens: TokenSet,
  key: string,
): Promise<void> {
  await db.query(
    `UPDATE shopify_connections SET
       access_token_encrypted = ${encryptSql("$2", "$7")},
       access_token_expires_at = $3,
       refresh_token_encrypted = CASE WHEN $4::text IS NULL THEN NULL ELSE ${encryptSql("$4", "$7")} END,
       refresh_token_expires_at = $5,
       scopes = $6,
       updated_at = now()
     WHERE id = $1`,
    [
      connectionId,
      tokens.accessToken,
      tokens.accessTokenExpiresAt,
      tokens.refreshToken,
      tokens.refreshTokenExpiresAt,
      tokens.scope,
      key,
    ],
  );
}

type StoredTokens = Columns<
  "shopify_connections",
  "shop" | "status" | "access_token_expires_at"
> & {
  access_token: string;
  refresh_token: string | null;
};

/** The connection's tokens, decrypted. */
async function readTokens(db: Queryable, connectionId: string, keys: string[]) {
  const result = await db.query<StoredTokens>(
    `SELECT shop, status, access_token_expires_at,
            ${decryptSql("access_token_encrypted", "$2")} AS access_token,
            CASE WHEN refresh_token_encrypted IS NULL THEN NULL
                 ELSE ${decryptSql("refresh_token_encrypted", "$2")} END AS refresh_token
     FROM shopify_connections WHERE id = $1`,
    [connectionId, keys],
  );
  const row = result.rows[0];
  if (!row) throw new Error(`connection ${connectionId} does not exist`);
  return row;
}

/**
 * Runs `work` on a session that holds the connection's refresh lock (a session-level advisory
 * lock, outside any transaction: what `work` writes is committed statement by statement). A
 * session lost meanwhile takes its lock with it and is not reused.
 */
async function withRefreshLock<T>(
  pool: pg.Pool,
  connectionId: string,
  work: (session: Queryable) => Promise<T>,
): Promise<T> {
  const lockKey = "hashtext('shopify_token_refresh'), hashtext($1)";
  const session = await pool.connect();
  // A session terminated while no query runs reports it as an event; its next query fails.
  const ignore = () => {};
  session.on("error", ignore);
  try {
    await session.query(`SELECT pg_advisory_lock(${lockKey})`, [connectionId]);
    return await work(session);
  } finally {
    const unlocked = await session
      .query(`SELECT pg_advisory_unlock(${lockKey})`, [connectionId])
      .then(
        () => undefined,
        (error: Error) => error,
      );
    session.off("error", ignore);
    session.release(unlocked);
  }
}

const fresh = (tokens: Pick<StoredTokens, "access_token_expires_at">, refreshWithinMs: number) =>
  tokens.access_token_expires_at === null ||
  tokens.access_token_expires_at.getTime() - Date.now() > refreshWithinMs;

/** The access token a caller decrypted last, with its ciphertext (see `accessTokenFor`). */
export interface DecryptedToken {
  ciphertext: Buffer;
  token: string;
}

/**
 * A usable access token for the connection. An expiring token is refreshed shortly before it
 * lapses — once per connection at a time (an advisory lock; whoever waited re-reads the new
 * token) — and the rotated pair is stored in a statement of its own, so that no failing
 * transaction can lose it. Permanent tokens are returned as they are. A fresh token
 * is decrypted (pgcrypto's key derivation is slow on purpose) unless it is the one in `reuse`,
 * which then holds the token returned.
 */
export async function accessTokenFor(
  db: Database,
  env: ShopifyEnv,
  connectionId: string,
  {
    refreshWithinMs = defaultRefreshWithinMs,
    reuse,
  }: { refreshWithinMs?: number; reuse?: { last: DecryptedToken | null } } = {},
): Promise<string> {
  const key = env.TOKEN_ENCRYPTION_KEY;
  const stored = await db.pool.query<
    Columns<
      "shopify_connections",
      "shop" | "status" | "access_token_expires_at" | "access_token_encrypted",
      // Only read while the connection is active, when it always holds one.
      { access_token_encrypted: Buffer }
    >
  >(
    `SELECT shop, status, access_token_expires_at, access_token_encrypted
     FROM shopify_connections WHERE id = $1`,
    [connectionId],
  );
  const current = stored.rows[0];
  if (!current) throw new Error(`connection ${connectionId} does not exist`);
  if (current.status !== "active") throw new ReauthRequiredError(current.shop);
  if (fresh(current, refreshWithinMs)) {
    const ciphertext = current.access_token_encrypted;
    if (reuse?.last?.ciphertext.equals(ciphertext)) return reuse.last.token;
    const token = await decryptToken(db.pool, ciphertext, tokenKeys(env));
    if (reuse) reuse.last = { ciphertext, token };
    return token;
  }
  const outcome = await withRefreshLock(db.pool, connectionId, async (session) => {
    const locked = await readTokens(session, connectionId, tokenKeys(env));
    if (locked.status !== "active") return { reauth: locked.shop };
    if (fresh(locked, refreshWithinMs)) return { token: locked.access_token };
    if (!locked.refresh_token) return { reauth: locked.shop };
    let tokens: TokenSet;
    try {
      tokens = await refreshAccessToken(env, locked.shop, locked.refresh_token);
    } catch (error) {
      if (!(error instanceof TokenRequestError) || !error.refused) throw error;
      await markReauthRequired(session, connectionId);
      return { reauth: locked.shop };
    }
    // Shopify has rotated the pair and will not accept the old refresh token again: the new
    // pair is stored at once, on another session if this one was lost meanwhile.
    await storeTokens(session, connectionId, tokens, key).catch(() =>
      storeTokens(db.pool, connectionId, tokens, key),
    );
    return { token: tokens.accessToken };
  });
  if ("reauth" in outcome) throw new ReauthRequiredError(outcome.reauth ?? "");
  return outcome.token;
}

/** Shopify no longer accepts this connection's tokens; the user must connect the shop again. */
export async function markReauthRequired(db: Queryable, connectionId: string): Promise<void> {
  await db.query(
    // Only an active one: a disconnected connection stays disconnected.
    `UPDATE shopify_connections SET status = 'reauth_required', updated_at = now()
     WHERE id = $1 AND status = 'active'`,
    [connectionId],
  );
}

/**
 * `accessTokenFor` for every request of one job: a job sends hundreds of requests, and the stored
 * token is decrypted again only once it has changed.
 */
export function jobAccessToken(
  db: Database,
  env: ShopifyEnv,
  connectionId: string,
): () => Promise<string> {
  const reuse: { last: DecryptedToken | null } = { last: null };
  return () => accessTokenFor(db, env, connectionId, { reuse });
}
