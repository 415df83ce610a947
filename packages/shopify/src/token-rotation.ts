import { type Columns, type Database, encryptSql } from "@roestify/db";
import { type TokenKeys, tokenKeys } from "./env.ts";

export interface RotationCount {
  /** Connections whose tokens were re-encrypted under the current key. */
  rotated: number;
  /** Connections already under the current key (a resumed run skips them). */
  current: number;
  /** Connections neither key decrypts: left as they are. */
  unreadable: string[];
}

/**
 * Re-encrypts every connection's tokens under TOKEN_ENCRYPTION_KEY, `batchSize` connections per
 * transaction in id order; those already under it are left alone, so an interrupted run is simply
 * run again. Each batch is locked while it is rotated, so a concurrent refresh (which writes under
 * the current key) waits for it or is waited for.
 */
export async function rotateTokenKey(
  db: Database,
  keys: TokenKeys,
  {
    batchSize = 200,
    onBatch,
  }: { batchSize?: number; onBatch?: (count: RotationCount) => void } = {},
): Promise<RotationCount> {
  const [key] = tokenKeys(keys);
  const count: RotationCount = { rotated: 0, current: 0, unreadable: [] };
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const client = await db.pool.connect();
    let last: string | undefined;
    try {
      await client.query("BEGIN");
      const batch = await client.query<
        Columns<"shopify_connections", "id"> & { current: boolean; readable: boolean }
      >(
        `SELECT id,
                coalesce(token_key_fits(access_token_encrypted, $2), true)
                  AND coalesce(token_key_fits(refresh_token_encrypted, $2), true) AS current,
                coalesce(token_key_fits(access_token_encrypted, $2)
                           OR token_key_fits(access_token_encrypted, $3), true)
                  AND coalesce(token_key_fits(refresh_token_encrypted, $2)
                           OR token_key_fits(refresh_token_encrypted, $3), true) AS readable
         FROM shopify_connections WHERE id > $1 ORDER BY id LIMIT $4 FOR UPDATE`,
        [after, key, keys.TOKEN_ENCRYPTION_KEY_PREVIOUS ?? key, batchSize],
      );
      const stale = batch.rows.filter((row) => !row.current && row.readable).map((row) => row.id);
      if (stale.length) {
        await client.query(
          `UPDATE shopify_connections
           SET access_token_encrypted = ${encryptSql("token_decrypt(access_token_encrypted, $2)", "$3")},
               refresh_token_encrypted = ${encryptSql("token_decrypt(refresh_token_encrypted, $2)", "$3")},
               updated_at = now()
           WHERE id = ANY($1::uuid[])`,
          [stale, tokenKeys(keys), key],
        );
      }
      await client.query("COMMIT");
      count.rotated += stale.length;
      count.current += batch.rows.filter((row) => row.current).length;
      count.unreadable.push(...batch.rows.filter((row) => !row.readable).map((row) => row.id));
      last = batch.rows.at(-1)?.id;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    if (!last) return count;
    after = last;
    onBatch?.(count);
  }
}
