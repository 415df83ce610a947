import { createLogger, readApiEnv, runService } from "@roestify/api";
import { createDatabase, prepareDatabase, readDatabaseEnv, resolveDatabaseUrl } from "@roestify/db";
import { readShopifyEnv } from "@roestify/shopify";
import { readWorkerEnv } from "./env.ts";
import { startRunner } from "./runner.ts";
import { createTaskList, crontab } from "./tasks.ts";

await runService("worker", async () => {
  const worker = readWorkerEnv();
  const env = readApiEnv();
  const shopify = readShopifyEnv();
  const log = createLogger({ name: "worker", level: worker.LOG_LEVEL });
  const database = await resolveDatabaseUrl(readDatabaseEnv().databaseUrl);
  await prepareDatabase(database.url);
  const db = createDatabase(database.url);
  const runner = await startRunner({
    connectionString: database.url,
    taskList: createTaskList({ db, env, shopify, log }),
    crontab,
    concurrency: worker.WORKER_CONCURRENCY,
    log,
  });
  log.info({ concurrency: worker.WORKER_CONCURRENCY }, "worker running");
  return {
    log,
    async stop() {
      // Running jobs finish (or are released for another worker) before the runner resolves.
      await runner.stop();
      await db.close();
      await database.stop();
    },
  };
});
