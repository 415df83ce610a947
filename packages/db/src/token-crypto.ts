import type { Queryable } from "./database.ts";

// The key is always a bind parameter: it never appears in SQL text, pg_stat_statements or logs.
export const encryptSql = (token: string, key: string) =>
  `pgp_sym_encrypt(${token}, ${key}, 'cipher-algo=aes256')`;
/** Decrypts with the first of the keys (a `text[]` parameter, the current key first) that fits. */
export const decryptSql = (cipher: string, keys: string) =>
  `token_decrypt(${cipher}, ${keys}::text[])`;

/** pgcrypto AES-256 ciphertext of a Shopify token. */
export async function encryptToken(db: Queryable, token: string, key: string): Promise<Buffer> {
  const result = await db.query<{ cipher: Buffer }>(`SELECT ${encryptSql("$1", "$2")} AS cipher`, [
    token,
    key,
  ]);
  return result.rows[0]?.cipher as Buffer;
}

/** The token; `keys` may hold the previous key after the current one (a key rotation). */
export async function decryptToken(
  db: Queryable,
  cipher: Buffer,
  keys: string | readonly string[],
): Promise<string> {
  const result = await db.query<{ token: string }>(`SELECT ${decryptSql("$1", "$2")} AS token`, [
    cipher,
    typeof keys === "string" ? [keys] : keys,
  ]);
  return result.rows[0]?.token as string;
}
