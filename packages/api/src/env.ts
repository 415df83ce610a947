import { parseEnv } from "@roestify/db";
import { z } from "zod";

// The contract sets no minimum length; 32+ random characters are recommended in the README.
const secret = z.string({ error: "is required" }).min(1, "is required");

const schema = z.object({
  AUTH_JWT_SECRET: secret,
  CRON_SECRET: secret,
  SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
});

export type ApiEnv = z.infer<typeof schema>;

/** Settings of the procedures: who may call them, and how often connections sync. */
export function readApiEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  return parseEnv(schema, source);
}
