import type { AddressInfo } from "node:net";
import { createLogger, readApiEnv, runService } from "@roestify/api";
import { createDatabase, prepareDatabase, readDatabaseEnv, resolveDatabaseUrl } from "@roestify/db";
import { readShopifyEnv } from "@roestify/shopify";
import { createApp } from "./app.ts";
import { readWebEnv } from "./env.ts";

await runService("web", async () => {
  const web = readWebEnv();
  const env = readApiEnv();
  const shopify = readShopifyEnv();
  const log = createLogger({ name: "web", level: web.LOG_LEVEL });
  const database = await resolveDatabaseUrl(readDatabaseEnv().databaseUrl);
  await prepareDatabase(database.url);
  const db = createDatabase(database.url);
  const app = createApp({ db, env, shopify, log });
  const server = app.listen(web.PORT, web.HOST);
  await new Promise((resolve, reject) => server.once("listening", resolve).once("error", reject));
  const { port } = server.address() as AddressInfo;
  log.info({ port, url: env.APP_URL }, `web listening on ${web.HOST}:${port}`);
  return {
    log,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await db.close();
      await database.stop();
    },
  };
});
