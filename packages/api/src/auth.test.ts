import * as crypto from "node:crypto";
import { SignJWT } from "jose";
import { describe, expect, it, vi } from "vitest";
import { authenticate, jwtKey, sameSecret } from "./auth.ts";

vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

describe("sameSecret", () => {
  it("compares fixed-length digests, so a wrong length takes the same path as a wrong value", () => {
    const expected = "cron-secret-0123456789abcdef0123456789";
    const compare = vi.mocked(crypto.timingSafeEqual);
    compare.mockClear();
    expect(sameSecret(expected, expected)).toBe(true);
    expect(sameSecret("x", expected)).toBe(false);
    expect(sameSecret(`${expected}x`, expected)).toBe(false);
    expect(compare).toHaveBeenCalledTimes(3);
    for (const [a, b] of compare.mock.calls) {
      expect([a.byteLength, b.byteLength]).toEqual([32, 32]);
    }
  });
});

describe("authenticate", () => {
  const secret = new TextEncoder().encode("test-jwt-secret-0123456789abcdef0123456789");
  const bearer = async (claims: { sub: string; org: string }) =>
    `Bearer ${await new SignJWT({ org: claims.org })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(claims.sub)
      .setExpirationTime("1h")
      .sign(secret)}`;

  it("accepts ids of 1–255 characters", async () => {
    const org = "ö".repeat(255);
    expect(await authenticate(await bearer({ sub: "u", org }), secret)).toEqual({
      id: "u",
      organizationId: org,
    });
  });

  it.each([
    ["an org of 6,000 characters", { sub: "u", org: "o".repeat(6000) }],
    ["an org of 256 characters", { sub: "u", org: "o".repeat(256) }],
    ["a NUL in org", { sub: "u", org: "org\u0000" }],
    ["a line break in sub", { sub: "user\nforged", org: "o" }],
  ])("refuses %s with 401", async (_, claims) => {
    await expect(authenticate(await bearer(claims), secret)).rejects.toMatchObject({
      code: "unauthorized",
    });
  });
});

describe("authenticate, verified tokens", () => {
  const secret = "auth-test-secret-0123456789abcdef0123456789";
  const tokenExpiringIn = (seconds: number) =>
    new SignJWT({ org: "org-1" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("user-1")
      .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
      .sign(new TextEncoder().encode(secret));

  it("remembers a verified token only until it expires", async () => {
    const key = await jwtKey(secret);
    const authorization = `Bearer ${await tokenExpiringIn(60)}`;
    const user = { id: "user-1", organizationId: "org-1" };
    expect(await authenticate(authorization, key)).toEqual(user);
    expect(await authenticate(authorization, key)).toEqual(user);
    // A minute later, by the clock both the remembered tokens and the JWT check read.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      await expect(authenticate(authorization, key)).rejects.toMatchObject({
        code: "unauthorized",
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it("does not take a token verified with one key for another", async () => {
    const authorization = `Bearer ${await tokenExpiringIn(60)}`;
    await authenticate(authorization, await jwtKey(secret));
    const other = await jwtKey("another-secret-0123456789abcdef012345678");
    await expect(authenticate(authorization, other)).rejects.toMatchObject({
      code: "unauthorized",
    });
  });
});
