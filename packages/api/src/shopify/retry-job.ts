import { type JobType, transaction } from "@roestify/db";
import { enqueueJob } from "@roestify/jobs";
import { answer } from "../answer.ts";
import { ApiError } from "../errors.ts";
import { rateLimitedProcedure } from "../trpc.ts";
import { lockActiveConnection } from "./connection.ts";
import { findJob, jobInput } from "./job.ts";
import { jobSchema, jobView } from "./views.ts";

const retryable = new Set(["failed", "cancelled"]);

/**
 * Queues a failed or cancelled job again as a new job of its type, without using the plan quota;
 * while a job of that type is queued for the connection, that one is the answer.
 */
export const retryJob = rateLimitedProcedure("sync")
  .meta({
    rest: {
      method: "POST",
      path: "/api/v1/shopify/jobs/{id}/retry",
      summary: "Einen fehlgeschlagenen oder abgebrochenen Job erneut einplanen",
      errors: ["not_found", "job_conflict", "shopify_not_connected"],
    },
  })
  .input(jobInput)
  .output(answer(jobSchema))
  .mutation(async ({ ctx, input }) => {
    const { organizationId } = ctx.user;
    const failed = await findJob(ctx.db.pool, organizationId, input.id);
    if (!retryable.has(failed.status)) throw new ApiError("job_conflict");
    const queued = await transaction(ctx.db.pool, async (tx) => {
      const connection = await lockActiveConnection(tx, organizationId);
      return enqueueJob(tx, {
        organizationId,
        connectionId: connection.id,
        type: failed.type as JobType,
        requestedBy: `user:${ctx.user.id}`,
      });
    });
    return jobView(await findJob(ctx.db.pool, organizationId, queued.jobId));
  });
