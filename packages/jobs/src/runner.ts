import { EventEmitter } from "node:events";
import type { Logger as AppLogger } from "@roestify/runtime";
import { Logger, parseCrontab, run, type TaskList, type WorkerEvents } from "graphile-worker";
import pg from "pg";
import { endWorkerLiveness, holdWorkerLiveness } from "./worker-liveness.ts";

/**
 * An error in graphile-worker's log metadata as plain data: pino's redaction writes to fields
 * such as `code`, which throws on a DOMException (the AbortError of a job stopped by SIGTERM)
 * and took the worker down instead of handing the job over.
 */
const plain = (value: unknown) =>
  value instanceof Error ? { type: value.name, message: value.message } : value;

/** graphile-worker's log lines go through the app's logger (and its redaction). */
export function workerLogger(log: AppLogger) {
  return new Logger((scope) => (level, message, meta) => {
    const method = level === "warning" ? "warn" : level;
    const fields = Object.fromEntries(
      Object.entries(meta ?? {}).map(([key, value]) => [key, plain(value)]),
    );
    log[method](
      { scope: { label: scope.label, taskIdentifier: scope.taskIdentifier }, ...fields },
      message,
    );
  });
}

/**
 * Runs graphile-worker: migrates its schema, listens for new jobs (LISTEN/NOTIFY, so a job starts
 * at once) and schedules the crontab. The caller handles signals and calls `stop()`.
 */
export async function startRunner(options: {
  connectionString: string;
  taskList: TaskList;
  crontab?: string;
  concurrency: number;
  log: AppLogger;
  /** How often to look for jobs due later (retries); new jobs arrive by NOTIFY at once. */
  pollInterval?: number;
}) {
  // The worker pool holds a liveness lock on this connection while the process lives (see
  // worker-liveness.ts): a killed worker's jobs are released by the next tick, not in 4 hours.
  const liveness = new pg.Client({ connectionString: options.connectionString });
  await liveness.connect();
  const events: WorkerEvents = new EventEmitter();
  // graphile-worker locks jobs in the name of the worker pool, so the pool's id is what lives.
  let workerId: string | undefined;
  events.on("pool:create", ({ workerPool }) => {
    workerId = workerPool.id;
    holdWorkerLiveness(liveness, workerPool.id).catch((error: Error) =>
      options.log.error({ err: error.message }, "worker liveness lock failed"),
    );
  });
  const runner = await run({
    connectionString: options.connectionString,
    events,
    taskList: options.taskList,
    // Parsed here: with no crontab given, graphile-worker would read a file `crontab` in the
    // working directory (and log that it found none).
    parsedCronItems: parseCrontab(options.crontab ?? ""),
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: options.pollInterval ?? 2000,
    logger: workerLogger(options.log),
  });
  const ended = runner.promise
    .finally(async () => {
      if (workerId) await endWorkerLiveness(liveness, workerId).catch(() => {});
      await liveness.end();
    })
    .catch(() => {});
  // Stopped once the worker has left the list and released what it held, not before.
  return {
    ...runner,
    stop: async () => {
      await runner.stop();
      await ended;
    },
  };
}
