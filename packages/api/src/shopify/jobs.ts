import { z } from "zod";
import { answer } from "../answer.ts";
import { protectedProcedure } from "../trpc.ts";
import { findJob } from "./job.ts";
import { type JobRow, jobColumns, jobRowTypes, jobSchema, jobView } from "./views.ts";

export const jobsInput = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z.string().optional(),
});

export const jobsOutput = z.object({
  data: z.array(jobSchema),
  /** The `before` of the next page; null on the last. */
  next: z.uuid().nullable(),
});

// Two prepared statements (see job.ts), so that each has its own plan: the first page reads
// the index from the newest job on, a later one from its cursor on. The cursor's timestamp is
// read in the statement: as a JS Date it would lose its microseconds.
const firstPageSql = `SELECT ${jobColumns} FROM shopify_sync_jobs WHERE organization_id = $1
  ORDER BY created_at DESC, id DESC LIMIT $2`;
const pageAfterSql = `SELECT ${jobColumns} FROM shopify_sync_jobs
  WHERE organization_id = $1
    AND (created_at, id) < (SELECT created_at, id FROM shopify_sync_jobs WHERE id = $3::uuid)
  ORDER BY created_at DESC, id DESC LIMIT $2`;

/**
 * The organisation's jobs, newest first, a page at a time: `before` is the last job of the
 * previous page (an unknown one is not found), `next` the one to pass for the page after this.
 */
export const jobs = protectedProcedure
  .meta({
    rest: {
      method: "GET",
      path: "/api/v1/shopify/jobs",
      summary: "Die Jobs der eigenen Organisation, neueste zuerst, seitenweise",
      errors: ["not_found"],
      paged: true,
    },
  })
  .input(jobsInput)
  .output(answer(jobsOutput))
  .query(async ({ ctx, input }) => {
    const { organizationId } = ctx.user;
    const before = input.before ? await findJob(ctx.db.pool, organizationId, input.before) : null;
    const page = await ctx.db.pool.query<JobRow>(
      before
        ? {
            name: "shopify.jobs-after",
            text: pageAfterSql,
            values: [organizationId, input.limit + 1, before.id],
            types: jobRowTypes,
          }
        : {
            name: "shopify.jobs",
            text: firstPageSql,
            values: [organizationId, input.limit + 1],
            types: jobRowTypes,
          },
    );
    const shown = page.rows.slice(0, input.limit);
    const more = page.rows.length > input.limit;
    return { data: shown.map(jobView), next: more ? (shown.at(-1)?.id ?? null) : null };
  });
