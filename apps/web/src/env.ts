import { parseEnv } from "@roestify/db";
import { z } from "zod";

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  /** Reverse proxies in front of the web process whose X-Forwarded-For is trusted (hop count). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
});

export type WebEnv = z.infer<typeof schema>;

export function readWebEnv(source: NodeJS.ProcessEnv = process.env): WebEnv {
  return parseEnv(schema, source);
}
