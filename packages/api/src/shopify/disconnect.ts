import { transaction } from "@roestify/db";
import { endConnection, purgeShop } from "@roestify/jobs";
import { createAdminClient, jobAccessToken, uninstallApp } from "@roestify/shopify";
import { z } from "zod";
import { answer } from "../answer.ts";
import { ApiError } from "../errors.ts";
import { protectedProcedure } from "../trpc.ts";
import { connectionSchema, readConnection } from "./views.ts";

export const disconnectInput = z.object({
  /** A boolean over tRPC, `true`/`false` in the REST query string. */
  purge: z.union([z.boolean(), z.stringbool()]).default(false),
});

export const disconnectOutput = z.object({
  connection: connectionSchema.nullable(),
  details: z.object({
    /** `skipped`: the connection was disconnected already. */
    uninstall: z.enum(["succeeded", "failed", "skipped"]),
  }),
});

/**
 * Disconnects the organisation's shop: `appUninstall` at Shopify first (when it cannot be reached
 * or refuses, the local disconnect happens all the same and `details` says so), then what
 * `app/uninstalled` does; with `purge` the shop's data goes at once, as by shop/redact.
 * Idempotent: an already disconnected connection answers the same way.
 */
export const disconnect = protectedProcedure
  .meta({
    rest: {
      method: "DELETE",
      path: "/api/v1/shopify/connection",
      summary: "Shop trennen (App deinstallieren), mit purge=true auch seine Daten löschen",
      errors: ["shopify_not_connected"],
    },
  })
  .input(disconnectInput)
  .output(answer(disconnectOutput))
  .mutation(async ({ ctx, input }) => {
    const { db, shopify, log } = ctx;
    const found = await db.prisma.shopifyConnection.findUnique({
      where: { organizationId: ctx.user.organizationId },
    });
    if (!found) throw new ApiError("shopify_not_connected");
    let uninstall: "succeeded" | "failed" | "skipped" = "skipped";
    if (found.status !== "disconnected") {
      const client = createAdminClient({
        env: shopify,
        shop: found.shop,
        accessToken: jobAccessToken(db, shopify, found.id),
        maxRetries: 1,
        retryBaseMs: 200,
      });
      uninstall = await uninstallApp(client).then(
        () => "succeeded" as const,
        (error: Error) => {
          log.warn({ shop: found.shop, err: error.message }, "appUninstall failed");
          return "failed" as const;
        },
      );
    }
    await transaction(db.pool, async (tx) => {
      await tx.query("SELECT 1 FROM shopify_connections WHERE id = $1 FOR UPDATE", [found.id]);
      await endConnection(tx, found.id);
      if (input.purge) await purgeShop(tx, found.id, new Date());
    });
    return {
      connection: input.purge ? null : await readConnection(db.pool, ctx.user.organizationId),
      details: { uninstall },
    };
  });
