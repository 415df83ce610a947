import type { AddressInfo } from "node:net";
import { runService } from "@roestify/runtime";
import { createApp } from "./app.ts";
import { readWebEnv } from "./env.ts";

await runService("web", async (services) => {
  const web = readWebEnv();
  const server = createApp(services, web).listen(web.PORT, web.HOST);
  await new Promise((resolve, reject) => server.once("listening", resolve).once("error", reject));
  const { port } = server.address() as AddressInfo;
  services.log.info({ url: services.env.APP_URL }, `web listening on ${web.HOST}:${port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
});
