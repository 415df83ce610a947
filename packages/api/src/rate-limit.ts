import ipaddr from "ipaddr.js";
import type pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import type { User } from "./auth.ts";
import { ApiError } from "./errors.ts";

/** The contract's limits: points per window of `duration` seconds. */
export const rateLimits = {
  authorize: { points: 5, duration: 60 },
  callback: { points: 10, duration: 60 },
  sync: { points: 3, duration: 120 },
} as const;

export type RateLimitName = keyof typeof rateLimits;

// One limiter per pool and limit: the counters live in PostgreSQL (table rate_limits), so they
// hold across all web processes.
const limiters = new WeakMap<pg.Pool, Map<RateLimitName, RateLimiterPostgres>>();

function limiterFor(pool: pg.Pool, name: RateLimitName): RateLimiterPostgres {
  let byName = limiters.get(pool);
  if (!byName) {
    byName = new Map();
    limiters.set(pool, byName);
  }
  let limiter = byName.get(name);
  if (!limiter) {
    limiter = new RateLimiterPostgres({
      storeClient: pool,
      storeType: "pool",
      tableName: "rate_limits",
      tableCreated: true,
      // Expired rows are removed by the cron tick, not by a timer in every process.
      clearExpiredByTimeout: false,
      keyPrefix: name,
      ...rateLimits[name],
    });
    byName.set(name, limiter);
  }
  return limiter;
}

/** Counts one request against `name` for `key`; over the limit it throws `rate_limited`. */
export async function consumeRateLimit(
  pool: pg.Pool,
  name: RateLimitName,
  key: string,
): Promise<void> {
  try {
    await limiterFor(pool, name).consume(key);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const seconds = String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    throw new ApiError("rate_limited", {
      headers: {
        "Retry-After": seconds,
        "RateLimit-Limit": String(rateLimits[name].points),
        "RateLimit-Remaining": String(rejection.remainingPoints),
        "RateLimit-Reset": seconds,
      },
    });
  }
}

/**
 * Per-IP limits count per IPv4 address and per IPv6 /64 (one subscriber's network: a client
 * picks any of its 2^64 addresses at will). IPv4-mapped IPv6 counts as IPv4.
 */
export function ipKey(ip: string | undefined): string {
  if (!ip || !ipaddr.isValid(ip)) return "unknown";
  const address = ipaddr.process(ip);
  if (address.kind() === "ipv4") return address.toString();
  const hextets = (address as ipaddr.IPv6).toNormalizedString().split(":").slice(0, 4);
  return `${hextets.join(":")}::/64`;
}

/** Per-user limits count per organisation and user (user ids are only unique per issuer). */
export const userKey = (user: User) => `${user.organizationId}:${user.id}`;
