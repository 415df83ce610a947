import { z } from "zod";
import { protectedProcedure } from "../trpc.ts";
import { findJob } from "./job.ts";
import { jobOutput, jobView } from "./views.ts";

export const jobsInput = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z.string().optional(),
});

export const jobsOutput = z.object({ jobs: z.array(jobOutput), next: z.string().nullable() });

/**
 * The organisation's jobs, newest first, a page at a time: `before` is the last job of the
 * previous page (an unknown one is not found), `next` the one to pass for the page after this.
 */
export const jobs = protectedProcedure
  .input(jobsInput)
  .output(jobsOutput)
  .query(async ({ ctx, input }) => {
    const { organizationId } = ctx.user;
    const before = input.before ? await findJob(ctx.db, organizationId, input.before) : null;
    const page = await ctx.db.prisma.shopifySyncJob.findMany({
      where: {
        organizationId,
        ...(before && {
          OR: [
            { createdAt: { lt: before.createdAt } },
            { createdAt: before.createdAt, id: { lt: before.id } },
          ],
        }),
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: input.limit + 1,
    });
    const shown = page.slice(0, input.limit);
    const more = page.length > input.limit;
    return { jobs: shown.map(jobView), next: more ? (shown.at(-1)?.id ?? null) : null };
  });
