import type { Queryable } from "@roestify/db";
import { z } from "zod";
import { answer } from "../answer.ts";
import { ApiError } from "../errors.ts";
import { protectedProcedure } from "../trpc.ts";
import { type JobRow, jobColumns, jobRowTypes, jobSchema, jobView } from "./views.ts";

export const jobInput = z.object({ id: z.string() });

// Prepared once per pooled connection (as every statement of a read route): parsing and planning
// it would cost PostgreSQL more than running it.
const jobSql = `SELECT ${jobColumns} FROM shopify_sync_jobs WHERE id = $1 AND organization_id = $2`;

/** A job of the organisation; any other id (another organisation's, not a UUID) is not found. */
export async function findJob(db: Queryable, organizationId: string, id: string) {
  const found = z.uuid().safeParse(id).success
    ? await db.query<JobRow>({
        name: "shopify.job",
        text: jobSql,
        values: [id, organizationId],
        types: jobRowTypes,
      })
    : null;
  const row = found?.rows[0];
  if (!row) throw new ApiError("not_found");
  return row;
}

/** One job of the caller's organisation. */
export const job = protectedProcedure
  .meta({
    rest: {
      method: "GET",
      path: "/api/v1/shopify/jobs/{id}",
      summary: "Ein Job der eigenen Organisation",
      errors: ["not_found"],
    },
  })
  .input(jobInput)
  .output(answer(jobSchema))
  .query(async ({ ctx, input }) =>
    jobView(await findJob(ctx.db.pool, ctx.user.organizationId, input.id)),
  );
