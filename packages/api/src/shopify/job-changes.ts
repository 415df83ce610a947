import { ApiError } from "../errors.ts";
import { protectedProcedure } from "../trpc.ts";

/**
 * The organisation's sync jobs as they change (a subscription over server-sent events): the
 * dashboard's live status and progress, without polling.
 */
export const jobChanges = protectedProcedure.subscription(async function* ({ ctx, signal }) {
  if (!ctx.jobEvents) throw new ApiError("internal_error");
  yield* ctx.jobEvents.subscribe(ctx.user.organizationId, signal ?? new AbortController().signal);
});
