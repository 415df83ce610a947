import type { Services } from "@roestify/runtime";
import { initTRPC, type TRPC_ERROR_CODE_KEY, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { authenticate } from "./auth.ts";
import { ApiError } from "./errors.ts";
import { consumeRateLimit, type RateLimitName, userKey } from "./rate-limit.ts";

/** One request: the services plus what the caller sent. */
export interface Context extends Services {
  authorization: string | undefined;
  ip: string;
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
    if (error.cause instanceof ZodError) {
      return new ApiError("invalid_request", { details: error.cause.issues });
    }
    if (error.code === "NOT_FOUND") return new ApiError("not_found");
    if (error.code === "BAD_REQUEST" || error.code === "PARSE_ERROR") {
      return new ApiError("invalid_request");
    }
  }
  return new ApiError("internal_error");
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    return { ...shape, data: { ...shape.data, apiError: toApiError(error).toBody().error } };
  },
});

// ApiErrors keep their HTTP meaning under tRPC too (401 stays 401, not 500).
const apiErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof ApiError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: trpcCodes[cause.status] ?? "INTERNAL_SERVER_ERROR", cause });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(apiErrors);

/** Signed-in users; the organisation is created with plan `free` the first time it is seen. */
export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const user = await authenticate(
    ctx.authorization,
    new TextEncoder().encode(ctx.env.AUTH_JWT_SECRET),
  );
  await ctx.db.pool.query("INSERT INTO organizations (id) VALUES ($1) ON CONFLICT DO NOTHING", [
    user.organizationId,
  ]);
  return next({ ctx: { ...ctx, user } });
});

/** A signed-in procedure with a per-user limit, counted right after authentication. */
export const rateLimitedProcedure = (limit: RateLimitName) =>
  protectedProcedure.use(async ({ ctx, next }) => {
    await consumeRateLimit(ctx.db.pool, limit, userKey(ctx.user));
    return next();
  });
