import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./testing.ts";
import { decryptToken, encryptToken } from "./token-crypto.ts";

const db = await createTestDatabase();
const key = "k".repeat(40);
const token = "shpat_0123456789abcdef0123456789abcdef";

describe("token encryption", () => {
  it("stores bytes that hold no trace of the token and decrypt back to it", async () => {
    const cipher = await encryptToken(db.pool, token, key);
    expect(cipher).toBeInstanceOf(Buffer);
    expect(cipher.includes(Buffer.from(token))).toBe(false);
    expect(cipher.toString("latin1")).not.toContain("shpat_");
    expect(await decryptToken(db.pool, cipher, key)).toBe(token);
  });

  it("uses AES-256 and a fresh salt for every encryption", async () => {
    const first = await encryptToken(db.pool, token, key);
    const second = await encryptToken(db.pool, token, key);
    expect(first.equals(second)).toBe(false);
    const info = await db.pool.query<{ info: string }>("SELECT encode($1, 'hex') AS info", [first]);
    // OpenPGP symmetric-key session packet: tag, length, version 4, cipher 9 = AES-256.
    expect(info.rows[0]?.info.slice(4, 8)).toBe("0409");
  });

  it("refuses to decrypt with another key", async () => {
    const cipher = await encryptToken(db.pool, token, key);
    await expect(decryptToken(db.pool, cipher, "x".repeat(40))).rejects.toThrow(/Wrong key/i);
  });
});
