export { RenderedAnswer } from "./answer.ts";
export { AnswerCache } from "./answer-cache.ts";
export { authenticate, sameSecret, type User } from "./auth.ts";
export { ApiError, type ApiErrorCode } from "./errors.ts";
export { openApiDocument, type RestRoute, restRoutes } from "./openapi.ts";
export { consumeRateLimit, ipKey } from "./rate-limit.ts";
export {
  type AppRouter,
  appRouter,
  createCaller,
  type RouterInputs,
  type RouterOutputs,
} from "./root.ts";
export { type JobEvents, listenForJobChanges } from "./shopify/job-events.ts";
export {
  completeOAuth,
  type OAuthFailureReason,
  oauthFailureReasons,
} from "./shopify/oauth-callback.ts";
export { type Context, toApiError, trpcErrorShape } from "./trpc.ts";
