export { listenForFinishedBulkOperations } from "./bulk-finished.ts";
export { workerNodeFlags } from "./node-flags.ts";
export { runJobsUntilIdle } from "./run-until-idle.ts";
export { startRunner } from "./runner.ts";
export { createTaskList } from "./tasks.ts";
