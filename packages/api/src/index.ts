export type { User } from "./auth.ts";
export { type ApiEnv, readApiEnv } from "./env.ts";
export { ApiError, type ApiErrorCode } from "./errors.ts";
export { createLogger, type Logger } from "./logger.ts";
export { openApiDocument, type RestRoute, restRoutes } from "./openapi.ts";
export { runQueueTick } from "./queue/tick.ts";
export { holdWorkerLiveness, releaseDeadWorkers } from "./queue/worker-liveness.ts";
export { consumeRateLimit } from "./rate-limit.ts";
export {
  type AppRouter,
  appRouter,
  createCaller,
  type RouterInputs,
  type RouterOutputs,
} from "./root.ts";
export { runService } from "./service.ts";
export { completeOAuth } from "./shopify/oauth-callback.ts";
export { type Context, type Services, toApiError } from "./trpc.ts";
