export { bearerMatches, metricsAuthorized } from "./bearer.ts";
export { type ApiEnv, readApiEnv } from "./env.ts";
export { createLogger, type Logger, logLevel } from "./logger.ts";
export { runService } from "./service.ts";
export type { Services } from "./services.ts";
