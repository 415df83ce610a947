import type { Database } from "@roestify/db";
import { readShopifyEnv } from "@roestify/shopify";
import { readApiEnv } from "./env.ts";
import { createLogger, type Logger } from "./logger.ts";
import type { Services } from "./services.ts";

/** The configuration every test runs with (never used outside tests). */
export const testSecrets = {
  AUTH_JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789",
  CRON_SECRET: "test-cron-secret-0123456789abcdef012345678",
  SHOPIFY_API_KEY: "test-api-key",
  SHOPIFY_API_SECRET: "test-api-secret-0123456789abcdef",
  TOKEN_ENCRYPTION_KEY: "test-token-key-0123456789abcdef0123456789",
};

/** The services of a web or worker process, on a test database. */
export function testServices(
  db: Database,
  overrides: Record<string, string> = {},
  log: Logger = createLogger({ name: "test", level: "silent" }),
): Services {
  const env = { ...testSecrets, ...overrides };
  return { db, env: readApiEnv(env), shopify: readShopifyEnv(env), log };
}
