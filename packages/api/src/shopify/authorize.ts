import { randomUUID } from "node:crypto";
import { authorizeUrl, normalizeShopDomain } from "@roestify/shopify";
import { z } from "zod";
import { answer } from "../answer.ts";
import { ApiError } from "../errors.ts";
import { rateLimitedProcedure } from "../trpc.ts";

const stateLifetimeMs = 10 * 60 * 1000;

// Any text: a domain that is not a shop's is answered with `invalid_shop`, not a validation error.
export const authorizeInput = z.object({ shop: z.string().optional() });

/**
 * Starts OAuth: a one-time CSRF state for this user and shop, and Shopify's consent URL. A
 * mutation (it stores the state), so a client never repeats it on its own; REST keeps `GET`.
 */
export const authorize = rateLimitedProcedure("authorize")
  .meta({
    rest: {
      method: "GET",
      path: "/api/v1/shopify/oauth/authorize",
      summary: "OAuth mit einem Shop beginnen",
      errors: ["invalid_shop"],
    },
  })
  .input(authorizeInput)
  .output(answer(z.object({ authorize_url: z.url() })))
  .mutation(async ({ ctx, input }) => {
    const shop = normalizeShopDomain(input.shop);
    if (!shop) throw new ApiError("invalid_shop");
    const state = randomUUID();
    // Both times from one clock: the lifetime is exactly 10 minutes, however slow the insert.
    const now = Date.now();
    await ctx.db.prisma.shopifyOAuthState.create({
      data: {
        id: state,
        organizationId: ctx.user.organizationId,
        userId: ctx.user.id,
        shop,
        createdAt: new Date(now),
        expiresAt: new Date(now + stateLifetimeMs),
      },
    });
    return {
      authorize_url: authorizeUrl(ctx.shopify, {
        shop,
        state,
        redirectUri: `${ctx.env.APP_URL}/api/v1/shopify/oauth/callback`,
      }),
    };
  });
