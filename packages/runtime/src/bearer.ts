import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Whether an Authorization header is `Bearer <secret>`, compared in constant time (digests of
 * equal length, so neither the secret's length nor its content leaks through timing).
 */
export function bearerMatches(secret: string, authorization: string | undefined): boolean {
  return timingSafeEqual(digest(`Bearer ${secret}`), digest(authorization ?? ""));
}

/** Whether a scrape may read `/metrics`: always without METRICS_TOKEN, else only with it. */
export function metricsAuthorized(token: string | undefined, authorization: string | undefined) {
  return token === undefined || bearerMatches(token, authorization);
}
