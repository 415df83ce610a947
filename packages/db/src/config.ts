import type { z } from "zod";

/** A configuration problem: start-up stops with this one line, naming the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses environment variables with a zod schema; the first problem becomes a ConfigError. */
export function parseEnv<T>(schema: z.ZodType<T>, source: NodeJS.ProcessEnv): T {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError(`${issue?.path.join(".")}: ${issue?.message}`);
}

/** The environment of a child process (a bench's worker, web app, simulator): this one's, with `settings` on top. */
export const childEnv = (settings: Record<string, string>): NodeJS.ProcessEnv => ({
  ...process.env,
  ...settings,
});
