import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { renderMetrics } from "@roestify/jobs";
import { metricsAuthorized, type Services } from "@roestify/runtime";

/**
 * `GET /metrics` of a worker process (its Shopify requests, throttle waits, downloads and job
 * durations happen here, not in the web process), with the same METRICS_TOKEN as the web's.
 */
export async function serveWorkerMetrics({ db, env, log }: Services, port: number, host: string) {
  const server = createServer((req, res) => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    if (!metricsAuthorized(env.METRICS_TOKEN, req.headers.authorization)) {
      res.writeHead(401).end();
      return;
    }
    renderMetrics(db.pool).then(
      (metrics) => res.writeHead(200, { "content-type": metrics.contentType }).end(metrics.body),
      (error: unknown) => {
        log.error({ err: (error as Error).message }, "metrics failed");
        res.writeHead(500).end();
      },
    );
  });
  await new Promise((resolve, reject) =>
    server.listen(port, host).once("listening", resolve).once("error", reject),
  );
  log.info({ port: (server.address() as AddressInfo).port }, "worker metrics listening");
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
