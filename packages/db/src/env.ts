import { z } from "zod";
import { parseEnv } from "./config.ts";

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection string")
    .optional(),
});

/** The database settings; without DATABASE_URL an embedded PostgreSQL is used. */
export function readDatabaseEnv(source: NodeJS.ProcessEnv = process.env) {
  return { databaseUrl: parseEnv(schema, source).DATABASE_URL };
}
