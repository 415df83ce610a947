import {
  ConfigError,
  createDatabase,
  prepareDatabase,
  readDatabaseEnv,
  resolveDatabaseUrl,
} from "@roestify/db";
import { readShopifyEnv } from "@roestify/shopify";
import { readApiEnv } from "./env.ts";
import { createLogger, type Logger } from "./logger.ts";
import type { Services } from "./trpc.ts";

/**
 * Runs a long-lived process (web, worker): reads and checks the configuration, prepares the
 * database and builds the services, then starts the process's own part. A configuration error
 * stops start-up with one line naming the variable; SIGTERM/SIGINT stop everything cleanly.
 * `poolSize` (read with the configuration) bounds the database sessions of the process.
 */
export async function runService(
  name: string,
  start: (services: Services) => Promise<() => Promise<void>>,
  options: { poolSize?: () => number } = {},
): Promise<void> {
  let log: Logger | undefined;
  let stop: () => Promise<void>;
  try {
    const env = readApiEnv();
    const shopify = readShopifyEnv();
    log = createLogger({ name, level: env.LOG_LEVEL });
    const database = await resolveDatabaseUrl(readDatabaseEnv().databaseUrl);
    await prepareDatabase(database.url);
    const db = createDatabase(database.url, { max: options.poolSize?.() });
    const stopProcess = await start({ db, env, shopify, log });
    stop = async () => {
      await stopProcess();
      await db.close();
      await database.stop();
    };
  } catch (error) {
    const reason = error instanceof ConfigError ? "configuration error" : "start-up failed";
    console.error(`${name}: ${reason}: ${(error as Error).message}`);
    process.exit(1);
  }
  const logger = log;
  let stopping = false;
  const onSignal = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${name} stopping`);
    try {
      await stop();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, `${name} did not stop cleanly`);
      process.exit(1);
    }
  };
  process.once("SIGTERM", () => void onSignal("SIGTERM"));
  process.once("SIGINT", () => void onSignal("SIGINT"));
}
