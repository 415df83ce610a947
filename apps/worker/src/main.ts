import { createTaskList, crontab, startRunner } from "@roestify/jobs";
import { runService } from "@roestify/runtime";
import { readWorkerEnv, workerPoolSize } from "./env.ts";

await runService(
  "worker",
  async (services, { WORKER_CONCURRENCY }) => {
    const runner = await startRunner({
      connectionString: services.db.url,
      taskList: createTaskList(services),
      crontab,
      concurrency: WORKER_CONCURRENCY,
      log: services.log,
    });
    services.log.info({ concurrency: WORKER_CONCURRENCY }, "worker running");
    // Running jobs finish (or are released for another worker) before the runner resolves.
    return () => runner.stop();
  },
  { config: () => readWorkerEnv(), poolSize: workerPoolSize },
);
