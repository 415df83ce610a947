import { z } from "zod";
import { ApiError } from "../errors.ts";
import { protectedProcedure } from "../trpc.ts";
import { type JobRow, jobColumns, jobSchema, jobView } from "./views.ts";

/** One job of the caller's organisation; any other id is simply not found. */
export const job = protectedProcedure
  .meta({
    rest: {
      method: "GET",
      path: "/api/v1/shopify/jobs/{id}",
      summary: "Ein Job der eigenen Organisation",
      errors: ["not_found"],
    },
  })
  .input(z.object({ id: z.string() }))
  .output(jobSchema)
  .query(async ({ ctx, input }) => {
    const found = z.uuid().safeParse(input.id).success
      ? await ctx.db.pool.query<JobRow>(
          `SELECT ${jobColumns} FROM shopify_sync_jobs WHERE id = $1 AND organization_id = $2`,
          [input.id, ctx.user.organizationId],
        )
      : null;
    const row = found?.rows[0];
    if (!row) throw new ApiError("not_found");
    return jobView(row);
  });
