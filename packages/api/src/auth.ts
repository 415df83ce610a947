import { createHash, timingSafeEqual, webcrypto } from "node:crypto";
import { errors, jwtVerify } from "jose";
import { z } from "zod";
import { ApiError } from "./errors.ts";

export interface User {
  id: string;
  organizationId: string;
}

// An id is stored (organizations.id) and logged: bounded, and free of control characters.
const id = z
  .string()
  .min(1)
  .max(255)
  .regex(/^\P{Cc}+$/u);

const claims = z.object({ sub: id, org: id, exp: z.number() });

const keys = new Map<string, Promise<webcrypto.CryptoKey>>();

/** The HS256 key of a secret, imported once per process rather than once per request. */
export function jwtKey(secret: string): Promise<webcrypto.CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = webcrypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

// Tokens already verified with a key, until they expire: a client sends the same token with every
// request, and verifying its signature each time would cost more than the request's own work.
// Bounded, and emptied when full.
const verifiedLimit = 10_000;
const verified = new WeakMap<object, Map<string, User & { expiresAt: number }>>();

/**
 * The user a `Bearer` JWT names. Only HS256 with our secret is accepted (so neither `none` nor a
 * public-key algorithm can be smuggled in); `sub`, `org` and `exp` are required.
 */
export async function authenticate(
  authorization: string | undefined,
  secret: Uint8Array | webcrypto.CryptoKey,
): Promise<User> {
  const token = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization ?? "")?.[1];
  if (!token) throw new ApiError("unauthorized");
  let known = verified.get(secret);
  const cached = known?.get(token);
  if (cached && cached.expiresAt > Date.now()) {
    return { id: cached.id, organizationId: cached.organizationId };
  }
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ["HS256"],
      requiredClaims: ["sub", "org", "exp"],
    });
    const parsed = claims.parse(payload);
    const user = { id: parsed.sub, organizationId: parsed.org };
    if (!known) {
      known = new Map();
      verified.set(secret, known);
    }
    if (known.size >= verifiedLimit) known.clear();
    known.set(token, { ...user, expiresAt: parsed.exp * 1000 });
    return user;
  } catch (error) {
    if (error instanceof errors.JOSEError || error instanceof z.ZodError) {
      throw new ApiError("unauthorized");
    }
    throw error;
  }
}

/**
 * Whether a presented secret equals the expected one, in time independent of both: the SHA-256
 * digests are compared, so neither the contents nor the length leak.
 */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
