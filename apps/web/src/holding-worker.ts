/**
 * A real worker process for tests (`node holding-worker.ts <database url> <task>`): the runner
 * every worker starts, liveness lock included, whose one task takes its job and never finishes.
 * A test kills it with SIGKILL to leave a job locked by a dead worker.
 */
import { startRunner } from "@roestify/jobs";
import { createLogger } from "@roestify/runtime";

const [connectionString, task] = process.argv.slice(2);
if (!connectionString || !task) throw new Error("usage: holding-worker.ts <database url> <task>");
await startRunner({
  connectionString,
  taskList: { [task]: () => new Promise<never>(() => {}) },
  concurrency: 1,
  log: createLogger({ name: "holding-worker", level: "silent" }),
});
