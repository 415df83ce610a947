export { sameSecret, type User } from "./auth.ts";
export { ApiError, type ApiErrorCode } from "./errors.ts";
export { openApiDocument, type RestRoute, restRoutes } from "./openapi.ts";
export { consumeRateLimit } from "./rate-limit.ts";
export {
  type AppRouter,
  appRouter,
  createCaller,
  type RouterInputs,
  type RouterOutputs,
} from "./root.ts";
export { completeOAuth } from "./shopify/oauth-callback.ts";
export { type Context, toApiError } from "./trpc.ts";
