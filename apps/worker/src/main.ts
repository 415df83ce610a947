import {
  createTaskList,
  crontab,
  listenForFinishedBulkOperations,
  startRunner,
} from "@roestify/jobs";
import { runService } from "@roestify/runtime";
import { readWorkerEnv, workerPoolSize } from "./env.ts";

await runService(
  "worker",
  async (services, { WORKER_CONCURRENCY }) => {
    const bulk = await listenForFinishedBulkOperations(services.db.url, services.log);
    const runner = await startRunner({
      connectionString: services.db.url,
      taskList: createTaskList(services, { bulkFinished: bulk.finished }),
      crontab,
      concurrency: WORKER_CONCURRENCY,
      log: services.log,
    });
    services.log.info({ concurrency: WORKER_CONCURRENCY }, "worker running");
    // Running jobs finish (or are released for another worker) before the runner resolves.
    return async () => {
      await runner.stop();
      await bulk.close();
    };
  },
  { config: () => readWorkerEnv(), poolSize: workerPoolSize },
);
