import { cancelJobs } from "@roestify/jobs";
import { ApiError } from "../errors.ts";
import { rateLimitedProcedure } from "../trpc.ts";
import { findJob, jobInput } from "./job.ts";
import { jobOutput, jobView } from "./views.ts";

/** Ends a queued job at once and a running one at its next step; other states are a conflict. */
export const cancelJob = rateLimitedProcedure("sync")
  .input(jobInput)
  .output(jobOutput)
  .mutation(async ({ ctx, input }) => {
    const { organizationId } = ctx.user;
    const job = await findJob(ctx.db, organizationId, input.id);
    const cancelled = await cancelJobs(ctx.db.pool, { jobId: job.id, organizationId });
    if (!cancelled.length) throw new ApiError("job_conflict");
    return jobView(await findJob(ctx.db, organizationId, job.id));
  });
