import type { AddressInfo } from "node:net";
import { listenForJobChanges } from "@roestify/api";
import { runService } from "@roestify/runtime";
import { createApp } from "./app.ts";
import { readWebEnv } from "./env.ts";

await runService("web", async (services) => {
  const web = readWebEnv();
  const jobEvents = await listenForJobChanges(services.db.url, services.log);
  const app = createApp(services, {
    jobEvents,
    trustProxy: web.TRUST_PROXY,
    demoSignIn: web.DEMO_MODE,
    answerCacheBytes: web.STOCK_LIST_CACHE_MB * 2 ** 20,
  });
  const server = app.listen(web.PORT, web.HOST);
  await new Promise((resolve, reject) => server.once("listening", resolve).once("error", reject));
  const { port } = server.address() as AddressInfo;
  services.log.info({ url: services.env.APP_URL }, `web listening on ${web.HOST}:${port}`);
  return async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Ends the open event streams, which would keep `close` waiting.
    await jobEvents.close();
    await closed;
  };
});
