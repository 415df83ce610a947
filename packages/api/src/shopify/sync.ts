import { transaction } from "@roestify/db";
import { enqueueJob, queuedJob } from "@roestify/jobs";
import { z } from "zod";
import { answer } from "../answer.ts";
import { useManualSync } from "../plans.ts";
import { rateLimitedProcedure } from "../trpc.ts";
import { lockActiveConnection } from "./connection.ts";

const messages = {
  full: "Vollsync wurde eingeplant",
  incremental: "Inkrementeller Sync wurde eingeplant",
} as const;

export const syncInput = z.object({ type: z.enum(["full", "incremental"]) });

export const syncOutput = z.object({
  job_id: z.uuid(),
  type: z.enum(["full", "incremental"]),
  status: z.literal("queued"),
  message: z.string(),
});

/**
 * A manual sync: checks validation, connection, then the plan quota. While a job of that type is
 * still queued, its id comes back and no quota is used.
 */
export const sync = rateLimitedProcedure("sync")
  .meta({
    rest: {
      method: "POST",
      path: "/api/v1/shopify/sync",
      summary: "Manuellen Sync einplanen",
      errors: ["shopify_not_connected", "plan_limit_reached"],
    },
  })
  .input(syncInput)
  .output(answer(syncOutput))
  .mutation(async ({ ctx, input }) => {
    const { organizationId } = ctx.user;
    const type = input.type === "full" ? "full_sync" : "incremental_sync";
    const jobId = await transaction(ctx.db.pool, async (tx) => {
      const connection = await lockActiveConnection(tx, organizationId);
      const queued = await queuedJob(tx, connection.id, type);
      if (queued) return queued;
      await useManualSync(tx, organizationId);
      const job = await enqueueJob(tx, {
        organizationId,
        connectionId: connection.id,
        type,
        requestedBy: `user:${ctx.user.id}`,
      });
      return job.jobId;
    });
    return {
      job_id: jobId,
      type: input.type,
      status: "queued" as const,
      message: messages[input.type],
    };
  });
