import { ConfigError, parseEnv } from "@roestify/db";
import { z } from "zod";

const schema = z.object({
  DATABASE_URL: z.string().optional(),
  SHOPIFY_API_KEY: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().optional(),
});

/** What `pnpm start` needs to decide; web and worker validate the rest themselves. */
export function readStartEnv(source: NodeJS.ProcessEnv = process.env) {
  const env = parseEnv(schema, source);
  // Demo mode generates its own secrets: over a real database it would make its tokens
  // unreadable and hand out a month-long login to it.
  if (env.DATABASE_URL && !env.SHOPIFY_API_KEY) {
    throw new ConfigError(
      "SHOPIFY_API_KEY: is required with DATABASE_URL (demo mode runs on the embedded database only)",
    );
  }
  return { ...env, demo: !env.SHOPIFY_API_KEY };
}

/** The environment the web and worker processes are started with. */
export const inheritedEnv = (): NodeJS.ProcessEnv => ({ ...process.env });
