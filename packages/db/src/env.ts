import { z } from "zod";

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection string")
    .optional(),
});

/** The database settings; without DATABASE_URL an embedded PostgreSQL is used. */
export function readDatabaseEnv(source: NodeJS.ProcessEnv = process.env) {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${String(issue?.path[0])}: ${issue?.message}`);
  }
  return { databaseUrl: parsed.data.DATABASE_URL };
}

/** A configuration problem: start-up stops with this one line. */
export class ConfigError extends Error {
  override name = "ConfigError";
}
