import type { Logger as AppLogger } from "@roestify/api";
import { Logger, run, type TaskList } from "graphile-worker";

/** graphile-worker's log lines go through the app's logger (and its redaction). */
function workerLogger(log: AppLogger) {
  return new Logger((scope) => (level, message, meta) => {
    const method = level === "warning" ? "warn" : level;
    log[method](
      { scope: { label: scope.label, taskIdentifier: scope.taskIdentifier }, ...meta },
      message,
    );
  });
}

/**
 * Runs graphile-worker: migrates its schema, listens for new jobs (LISTEN/NOTIFY, so a job starts
 * at once) and schedules the crontab. The caller handles signals and calls `stop()`.
 */
export function startRunner(options: {
  connectionString: string;
  taskList: TaskList;
  crontab?: string;
  concurrency: number;
  log: AppLogger;
  /** How often to look for jobs due later (retries); new jobs arrive by NOTIFY at once. */
  pollInterval?: number;
}) {
  return run({
    connectionString: options.connectionString,
    taskList: options.taskList,
    crontab: options.crontab ?? "",
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: options.pollInterval ?? 2000,
    logger: workerLogger(options.log),
  });
}
