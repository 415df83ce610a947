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
import type { Services } from "./services.ts";

/**
 * Runs a long-lived process (web, worker): reads and checks the configuration, prepares the
 * database and builds the services, then starts the process's own part. A configuration error
 * stops start-up with one line naming the variable; SIGTERM/SIGINT stop everything cleanly.
 * `config` reads the process's own settings with the rest; `poolSize` sizes its database pool
 * from them.
 */
export async function runService<Config = undefined>(
  name: string,
  start: (services: Services, config: Config) => Promise<() => Promise<void>>,
  options: { config?: () => Config; poolSize?: (config: Config) => number } = {},
): Promise<void> {
  let log: Logger | undefined;
  // Signals are handled from the first moment: one that arrives while the process is still
  // starting stops it as soon as it has started (default handling would kill it mid-job).
  let started: (stop: () => Promise<void>) => void = () => {};
  const stopReady = new Promise<() => Promise<void>>((resolve) => {
    started = resolve;
  });
  let stopping = false;
  const onSignal = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const stop = await stopReady;
    log?.info({ signal }, `${name} stopping`);
    try {
      await stop();
      process.exit(0);
    } catch (error) {
      log?.error({ err: error }, `${name} did not stop cleanly`);
      process.exit(1);
    }
  };
  process.once("SIGTERM", () => void onSignal("SIGTERM"));
  process.once("SIGINT", () => void onSignal("SIGINT"));
  try {
    const env = readApiEnv();
    const shopify = readShopifyEnv();
    const config = options.config?.() as Config;
    log = createLogger({ name, level: env.LOG_LEVEL });
    const database = await resolveDatabaseUrl(readDatabaseEnv().databaseUrl);
    await prepareDatabase(database.url);
    const db = createDatabase(database.url, { max: options.poolSize?.(config) });
    const stopProcess = await start({ db, env, shopify, log }, config);
    started(async () => {
      await stopProcess();
      await db.close();
      await database.stop();
    });
  } catch (error) {
    const reason = error instanceof ConfigError ? "configuration error" : "start-up failed";
    console.error(`${name}: ${reason}: ${(error as Error).message}`);
    process.exit(1);
  }
}
