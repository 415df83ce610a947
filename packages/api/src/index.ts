export type { User } from "./auth.ts";
export { type ApiEnv, readApiEnv } from "./env.ts";
export { ApiError, type ApiErrorCode } from "./errors.ts";
export { createLogger, type Logger } from "./logger.ts";
export { consumeRateLimit } from "./rate-limit.ts";
export { type AppRouter, appRouter, createCaller } from "./root.ts";
export { runService } from "./service.ts";
export { completeOAuth } from "./shopify/oauth-callback.ts";
export { type Context, type Services, toApiError } from "./trpc.ts";
