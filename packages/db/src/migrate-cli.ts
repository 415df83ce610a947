import { resolveDatabaseUrl } from "./dev-database.ts";
import { readDatabaseEnv } from "./env.ts";
import { prepareDatabase } from "./migrate.ts";

// `pnpm db:migrate`: DATABASE_URL, or the embedded development database when it is unset.
try {
  const database = await resolveDatabaseUrl(readDatabaseEnv().databaseUrl);
  const applied = await prepareDatabase(database.url);
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
  await database.stop();
} catch (error) {
  console.error(`db:migrate failed: ${(error as Error).message}`);
  process.exit(1);
}
