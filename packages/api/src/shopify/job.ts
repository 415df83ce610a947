import { z } from "zod";
import { ApiError } from "../errors.ts";
import { protectedProcedure } from "../trpc.ts";
import { jobView } from "./views.ts";

/** One job of the caller's organisation; any other id is simply not found. */
export const job = protectedProcedure
  .input(z.object({ id: z.string() }))
  .query(async ({ ctx, input }) => {
    const found = z.uuid().safeParse(input.id).success
      ? await ctx.db.prisma.shopifySyncJob.findFirst({
          where: { id: input.id, organizationId: ctx.user.organizationId },
        })
      : null;
    if (!found) throw new ApiError("not_found");
    return jobView(found);
  });
