import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { decryptToken, encryptSql } from "@roestify/db";
import { createTestDatabase } from "@roestify/db/testing";
import { describe, expect, it } from "vitest";
import { readShopifyEnv } from "./env.ts";
import { type RotationCount, rotateTokenKey } from "./token-rotation.ts";
import { accessTokenFor } from "./tokens.ts";

const db = await createTestDatabase();
const oldKey = "old-token-key-0123456789abcdef0123456789";
const newKey = "new-token-key-0123456789abcdef0123456789";
const app = { SHOPIFY_API_KEY: "key", SHOPIFY_API_SECRET: "secret" };
const rotating = readShopifyEnv({
  ...app,
  TOKEN_ENCRYPTION_KEY: newKey,
  TOKEN_ENCRYPTION_KEY_PREVIOUS: oldKey,
});
const rotated = readShopifyEnv({ ...app, TOKEN_ENCRYPTION_KEY: newKey });

/** A connection whose tokens `key` encrypted; every other one has a refresh token too. */
async function connect(n: number, key: string) {
  await db.pool.query("INSERT INTO organizations (id) VALUES ($1)", [`org-${n}`]);
  const result = await db.pool.query<{ id: string }>(
    `INSERT INTO shopify_connections (organization_id, shop, scopes, api_version,
       access_token_encrypted, refresh_token_encrypted)
     VALUES ($1, $2, 'read_products', '2026-10', ${encryptSql("$3", "$5")},
             CASE WHEN $4::text IS NULL THEN NULL ELSE ${encryptSql("$4", "$5")} END)
     RETURNING id`,
    [`org-${n}`, `shop-${n}.myshopify.com`, `shpat_${n}`, n % 2 ? `shprt_${n}` : null, key],
  );
  return result.rows[0]?.id as string;
}

async function tokensUnder(key: string) {
  const rows = await db.pool.query<{ id: string; access: Buffer; refresh: Buffer | null }>(
    `SELECT id, access_token_encrypted AS access, refresh_token_encrypted AS refresh
     FROM shopify_connections ORDER BY shop`,
  );
  const tokens: (string | null)[] = [];
  for (const row of rows.rows) {
    tokens.push(await decryptToken(db.pool, row.access, key));
    tokens.push(row.refresh && (await decryptToken(db.pool, row.refresh, key)));
  }
  return tokens;
}

describe("token key rotation", () => {
  it("reads old tokens through the previous key, then re-encrypts them all in resumable batches", async () => {
    const old = [];
    for (let n = 1; n <= 5; n++) old.push(await connect(n, oldKey));
    const fresh = await connect(6, newKey);
    const unknown = await connect(7, "another-key-0123456789abcdef0123456789");

    expect(await accessTokenFor(db, rotating, old[0] as string)).toBe("shpat_1");
    expect(await accessTokenFor(db, rotating, fresh)).toBe("shpat_6");
    await expect(accessTokenFor(db, rotated, old[0] as string)).rejects.toThrow(/Wrong key/);

    // A run stopped after its first batch of two leaves the rest for the next run.
    let first: RotationCount | undefined;
    const interrupted = rotateTokenKey(db, rotating, {
      batchSize: 2,
      onBatch(count) {
        first = { ...count };
        throw new Error("stopped");
      },
    });
    await expect(interrupted).rejects.toThrow("stopped");
    const done = first as RotationCount;
    const resumed = await rotateTokenKey(db, rotating, { batchSize: 2 });
    expect(resumed).toEqual({
      rotated: 5 - done.rotated,
      current: 1 + done.rotated,
      unreadable: [unknown],
    });

    await db.pool.query("DELETE FROM shopify_connections WHERE id = $1", [unknown]);
    const expected = [1, 2, 3, 4, 5, 6].flatMap((n) => [`shpat_${n}`, n % 2 ? `shprt_${n}` : null]);
    expect(await tokensUnder(newKey)).toEqual(expected);
    expect(await accessTokenFor(db, rotated, old[4] as string)).toBe("shpat_5");
  });

  it("runs as `pnpm db:rotate-token-key`, ending with the count", async () => {
    await connect(8, oldKey);
    const cli = fileURLToPath(new URL("./rotate-token-key-cli.ts", import.meta.url));
    const run = spawnSync(process.execPath, [cli], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: db.url,
        TOKEN_ENCRYPTION_KEY: newKey,
        TOKEN_ENCRYPTION_KEY_PREVIOUS: oldKey,
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split("\n").at(-1)).toBe(
      "rotated 1 connections' tokens; 6 were already under the current key; 0 unreadable",
    );
  });
});
