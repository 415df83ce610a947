import {
  crontab,
  fullSyncTasks,
  listenForFinishedBulkOperations,
  quickTasks,
  startRunner,
} from "@roestify/jobs";
import { runService } from "@roestify/runtime";
import { readWorkerEnv, workerPoolSize } from "./env.ts";
import { serveWorkerMetrics } from "./metrics-server.ts";

await runService(
  "worker",
  async (services, config) => {
    const { WORKER_CONCURRENCY, WORKER_FULL_SYNC_CONCURRENCY, WORKER_METRICS_PORT, HOST } = config;
    const bulk = await listenForFinishedBulkOperations(services.db.url, services.log);
    const options = { bulkFinished: bulk.finished };
    const runners = [
      await startRunner({
        connectionString: services.db.url,
        taskList: quickTasks(services, options),
        crontab,
        concurrency: WORKER_CONCURRENCY,
        log: services.log,
      }),
      await startRunner({
        connectionString: services.db.url,
        taskList: fullSyncTasks(services, options),
        concurrency: WORKER_FULL_SYNC_CONCURRENCY,
        log: services.log,
      }),
    ];
    const stopMetrics =
      WORKER_METRICS_PORT === undefined
        ? async () => {}
        : await serveWorkerMetrics(services, WORKER_METRICS_PORT, HOST);
    services.log.info(
      { concurrency: WORKER_CONCURRENCY, fullSyncConcurrency: WORKER_FULL_SYNC_CONCURRENCY },
      "worker running",
    );
    // Running jobs finish (or are released for another worker) before the runners resolve.
    return async () => {
      await Promise.all(runners.map((runner) => runner.stop()));
      await bulk.close();
      await stopMetrics();
    };
  },
  { config: () => readWorkerEnv(), poolSize: workerPoolSize },
);
