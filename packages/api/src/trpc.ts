import type { Services } from "@roestify/runtime";
import { initTRPC, type TRPC_ERROR_CODE_KEY, TRPCError } from "@trpc/server";
import { getErrorShape } from "@trpc/server/unstable-core-do-not-import";
import { ZodError } from "zod";
import type { AnswerCache } from "./answer-cache.ts";
import { authenticate, jwtKey, type User } from "./auth.ts";
import { ApiError, type ApiErrorCode } from "./errors.ts";
import { ensureOrganization } from "./organizations.ts";
import { consumeRateLimit, type RateLimitName, userKey } from "./rate-limit.ts";
import type { JobEvents } from "./shopify/job-events.ts";

/**
 * A procedure's REST route (`rest`), from which the REST shim and the OpenAPI document are made;
 * `auth` and `rateLimit` are set by the procedure builders below, so the document knows them too.
 */
export interface ProcedureMeta {
  rest?: {
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
    /** Under /api/v1, path parameters as `{name}` (each an input field of that name). */
    path: `/api/v1/${string}`;
    summary: string;
    /** The success status; 200 when not given. */
    status?: 200 | 201;
    /** Request headers that become input fields: header name → field. */
    headers?: Record<string, string>;
    /** The errors the procedure itself answers with (validation, auth and limits come along). */
    errors?: ApiErrorCode[];
    /** The output is a page, `{data: [...], next}`, answered as it is (not inside `data`). */
    paged?: boolean;
  };
  auth?: "user";
  rateLimit?: RateLimitName;
}

/** One request: the services plus what the caller sent. */
export interface Context extends Services {
  authorization: string | undefined;
  ip: string;
  /** Changes of sync jobs, in web processes (the dashboard's live updates). */
  jobEvents?: JobEvents;
  /** Rendered answers this process keeps (web processes); without it each is rendered afresh. */
  answers?: AnswerCache;
}

const trpcCodes: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  402: "PAYMENT_REQUIRED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  422: "UNPROCESSABLE_CONTENT",
  429: "TOO_MANY_REQUESTS",
};

/** The contract's error for anything a procedure threw; unknown errors become `internal_error`. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof TRPCError) {
    if (error.cause instanceof ApiError) return error.cause;
    // Input only: an output that fails its schema is our fault, an internal error.
    if (error.code === "BAD_REQUEST" && error.cause instanceof ZodError) {
      return new ApiError("invalid_request", { details: error.cause.issues });
    }
    if (error.code === "NOT_FOUND") return new ApiError("not_found");
    if (error.code === "BAD_REQUEST" || error.code === "PARSE_ERROR") {
      return new ApiError("invalid_request");
    }
  }
  return new ApiError("internal_error");
}

/**
 * tRPC's error shape carrying only the contract's error: the German message, never an internal
 * error's text (PostgreSQL's, a stack). Unexpected errors are logged by the adapter's `onError`.
 */
const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    // Subscriptions are server-sent events; a comment every 15 s keeps idle ones open through
    // proxies, and lets the client reconnect when they go silent.
    sse: {
      ping: { enabled: true, intervalMs: 15_000 },
      client: { reconnectAfterInactivityMs: 40_000 },
    },
    isDev: false,
    errorFormatter({ shape, error }) {
      const apiError = toApiError(error).toBody().error;
      return {
        code: shape.code,
        message: apiError.message,
        data: { code: shape.data.code, httpStatus: shape.data.httpStatus, apiError },
      };
    },
  });

/** An ApiError as tRPC throws it: with its HTTP meaning (401 stays 401, not 500). */
const trpcErrorOf = (cause: ApiError) =>
  new TRPCError({ code: trpcCodes[cause.status] ?? "INTERNAL_SERVER_ERROR", cause });

/** A middleware's result, failed with an ApiError's HTTP meaning when the error is one. */
function withApiErrors<Result extends { ok: boolean; error?: { cause?: unknown } }>(
  result: Result,
): Result {
  if (!result.ok && result.error?.cause instanceof ApiError) {
    throw trpcErrorOf(result.error.cause);
  }
  return result;
}

const apiErrors = t.middleware(async ({ next }) => withApiErrors(await next()));

/**
 * tRPC's error answer (`{error: shape}` as tRPC sends it, formatted as above) for an error found
 * before tRPC reads the request, by a check at the HTTP layer.
 */
export function trpcErrorShape(error: ApiError, path: string) {
  return getErrorShape({
    config: t._config,
    error: new TRPCError({
      code: trpcCodes[error.status] ?? "INTERNAL_SERVER_ERROR",
      message: error.message,
      cause: error,
    }),
    type: "unknown",
    path,
    input: undefined,
    ctx: undefined,
  });
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(apiErrors);

/**
 * Signed-in users; the organisation is created with plan `free` the first time it is seen. One
 * middleware both signs in and maps ApiErrors (publicProcedure's): each level of tRPC's chain
 * copies its options twice, a share of a signed-in read's CPU. tRPC adds `user` to the context.
 */
export const protectedProcedure = t.procedure.meta({ auth: "user" }).use(async ({ ctx, next }) => {
  let user: User;
  try {
    user = await authenticate(ctx.authorization, await jwtKey(ctx.env.AUTH_JWT_SECRET));
    await ensureOrganization(ctx.db, user.organizationId);
  } catch (error) {
    throw error instanceof ApiError ? trpcErrorOf(error) : error;
  }
  return withApiErrors(await next({ ctx: { user } }));
});

/** A signed-in procedure with a per-user limit, counted right after authentication. */
export const rateLimitedProcedure = (limit: RateLimitName) =>
  protectedProcedure.meta({ rateLimit: limit }).use(async ({ ctx, next }) => {
    await consumeRateLimit(ctx.db.pool, limit, userKey(ctx.user));
    return next();
  });
