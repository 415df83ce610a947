import { parseEnv } from "@roestify/db";
import { z } from "zod";

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  /** Set by `pnpm start` in demo mode: enables the dashboard's demo sign-in link. */
  DEMO_MODE: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true"),
  /** Reverse proxies in front of the web process whose X-Forwarded-For is trusted (hop count). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** Memory for rendered stock lists kept between requests (MiB); 0 renders each afresh. */
  STOCK_LIST_CACHE_MB: z.coerce.number().int().min(0).max(65_536).default(64),
});

export type WebEnv = z.infer<typeof schema>;

export function readWebEnv(source: NodeJS.ProcessEnv = process.env): WebEnv {
  return parseEnv(schema, source);
}

const browserTestSchema = z.object({
  /** Where the browser tests save the README's screenshots; unset: none are taken. */
  SCREENSHOTS_DIR: z.string().min(1).optional(),
});

/** Settings of the browser tests (never read by the server). */
export function readBrowserTestEnv(source: NodeJS.ProcessEnv = process.env) {
  return parseEnv(browserTestSchema, source);
}
