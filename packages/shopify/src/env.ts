import { parseEnv } from "@roestify/db";
import { z } from "zod";

export const defaultScopes =
  "read_products,read_orders,read_all_orders,read_customers,read_fulfillments,read_inventory,write_inventory,read_locations";

const loopbackHosts = new Set(["127.0.0.1", "[::1]", "localhost"]);

/** Whether a URL names this machine (the only place plain http may go, in development). */
export const isLoopback = (url: URL) => loopbackHosts.has(url.hostname);

const tokenKey = z.string({ error: "is required" }).min(32, "must be at least 32 characters");

const keysSchema = z.object({
  TOKEN_ENCRYPTION_KEY: tokenKey,
  /** The key before the last rotation: tokens it encrypted still decrypt until rotated. */
  TOKEN_ENCRYPTION_KEY_PREVIOUS: tokenKey.optional(),
});

const schema = keysSchema.extend({
  SHOPIFY_API_KEY: z.string({ error: "is required (or run `pnpm start` for the demo)" }).min(1),
  SHOPIFY_API_SECRET: z.string({ error: "is required" }).min(1, "is required"),
  SHOPIFY_SCOPES: z
    .string()
    .regex(/^[a-z_]+(,[a-z_]+)*$/, "must be comma-separated scopes like read_products")
    .default(defaultScopes),
  SHOPIFY_API_VERSION: z
    .string()
    .regex(/^\d{4}-\d{2}$/, "must look like 2026-10")
    .default("2026-10"),
  /** Secrets and tokens go there: only a simulator on this machine may stand in for Shopify. */
  SHOPIFY_API_ORIGIN: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .refine(
      (origin) => URL.canParse(origin) && isLoopback(new URL(origin)),
      "must be a loopback origin (127.0.0.1, [::1], localhost); it is for development and tests only",
    )
    .optional(),
});

export type ShopifyEnv = z.infer<typeof schema>;
export type TokenKeys = z.infer<typeof keysSchema>;

/** The keys a stored token may be encrypted with, the current one first. */
export const tokenKeys = (keys: TokenKeys): string[] =>
  keys.TOKEN_ENCRYPTION_KEY_PREVIOUS
    ? [keys.TOKEN_ENCRYPTION_KEY, keys.TOKEN_ENCRYPTION_KEY_PREVIOUS]
    : [keys.TOKEN_ENCRYPTION_KEY];

/** Only the token keys (`pnpm db:rotate-token-key` needs nothing else of Shopify's settings). */
export function readTokenKeys(source: NodeJS.ProcessEnv = process.env): TokenKeys {
  return parseEnv(keysSchema, source);
}

/** The Shopify app's credentials and where Shopify is (a simulator in development and tests). */
export function readShopifyEnv(source: NodeJS.ProcessEnv = process.env): ShopifyEnv {
  return parseEnv(schema, source);
}
