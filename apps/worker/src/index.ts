export { runJobsUntilIdle } from "./run-until-idle.ts";
export { createTaskList } from "./tasks.ts";
