import { runService } from "@roestify/api";
import { readWorkerEnv, workerPoolSize } from "./env.ts";
import { serveWorkerMetrics } from "./metrics-server.ts";
import { startRunner } from "./runner.ts";
import { createTaskList, crontab } from "./tasks.ts";

await runService(
  "worker",
  async (services, { WORKER_CONCURRENCY, WORKER_METRICS_PORT, HOST }) => {
    const runner = await startRunner({
      connectionString: services.db.url,
      taskList: createTaskList(services),
      crontab,
      concurrency: WORKER_CONCURRENCY,
      log: services.log,
    });
    const stopMetrics =
      WORKER_METRICS_PORT === undefined
        ? async () => {}
        : await serveWorkerMetrics(services, WORKER_METRICS_PORT, HOST);
    services.log.info({ concurrency: WORKER_CONCURRENCY }, "worker running");
    // Running jobs finish (or are released for another worker) before the runner resolves.
    return async () => {
      await runner.stop();
      await stopMetrics();
    };
  },
  { config: () => readWorkerEnv(), poolSize: workerPoolSize },
);
