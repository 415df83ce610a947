import { cancelJobs } from "@roestify/jobs";
import { answer } from "../answer.ts";
import { ApiError } from "../errors.ts";
import { rateLimitedProcedure } from "../trpc.ts";
import { findJob, jobInput } from "./job.ts";
import { jobSchema, jobView } from "./views.ts";

/** Ends a queued job at once and a running one at its next step; other states are a conflict. */
export const cancelJob = rateLimitedProcedure("sync")
  .meta({
    rest: {
      method: "POST",
      path: "/api/v1/shopify/jobs/{id}/cancel",
      summary: "Einen eingeplanten oder laufenden Job abbrechen",
      errors: ["not_found", "job_conflict"],
    },
  })
  .input(jobInput)
  .output(answer(jobSchema))
  .mutation(async ({ ctx, input }) => {
    const { organizationId } = ctx.user;
    const job = await findJob(ctx.db.pool, organizationId, input.id);
    const cancelled = await cancelJobs(ctx.db.pool, { jobId: job.id });
    if (!cancelled.length) throw new ApiError("job_conflict");
    return jobView(await findJob(ctx.db.pool, organizationId, job.id));
  });
