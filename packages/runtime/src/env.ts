import { parseEnv } from "@roestify/db";
import { z } from "zod";
import { logLevel } from "./logger.ts";

// A shorter HS256 secret could be found offline from any user's token.
const secret = z.string({ error: "is required" }).min(32, "must be at least 32 characters");

const schema = z
  .object({
    AUTH_JWT_SECRET: secret,
    CRON_SECRET: secret,
    SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
    /** Shortest time between the starts of two syncs of one connection that webhooks ask for. */
    WEBHOOK_SYNC_SPACING_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    APP_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    LOG_LEVEL: logLevel,
    /** Bearer token of `/metrics`; unset, the metrics are open (to a private network). */
    METRICS_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  })
  .transform(({ PORT, APP_URL, ...env }) => ({
    ...env,
    /** Public base URL of the web app; the OAuth redirect_uri is built from it. */
    APP_URL: (APP_URL ?? `http://localhost:${PORT}`).replace(/\/+$/, ""),
  }));

export type ApiEnv = z.infer<typeof schema>;

/** Settings of the procedures: who may call them, and how often connections sync. */
export function readApiEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  return parseEnv(schema, source);
}
