export { enqueueJob, maxAttempts } from "./enqueue.ts";
export { type JobType, jobTypes, type SyncJobPayload, syncJobPayload } from "./job-types.ts";
export { runJobsUntilIdle, runQueueTickAndJobs } from "./run-until-idle.ts";
export { startRunner } from "./runner.ts";
export { type SyncTaskOptions, syncTask } from "./sync-task.ts";
export { createTaskList, crontab } from "./tasks.ts";
export { runQueueTick } from "./tick.ts";
export { holdWorkerLiveness } from "./worker-liveness.ts";
