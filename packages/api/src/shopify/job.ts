import type { Database } from "@roestify/db";
import { z } from "zod";
import { ApiError } from "../errors.ts";
import { protectedProcedure } from "../trpc.ts";
import { jobOutput, jobView } from "./views.ts";

export const jobInput = z.object({ id: z.string() });

/** A job of the organisation; any other id (another organisation's, not a UUID) is not found. */
export async function findJob(db: Database, organizationId: string, id: string) {
  const found = z.uuid().safeParse(id).success
    ? await db.prisma.shopifySyncJob.findFirst({ where: { id, organizationId } })
    : null;
  if (!found) throw new ApiError("not_found");
  return found;
}

/** One job of the caller's organisation. */
export const job = protectedProcedure
  .input(jobInput)
  .output(jobOutput)
  .query(async ({ ctx, input }) =>
    jobView(await findJob(ctx.db, ctx.user.organizationId, input.id)),
  );
