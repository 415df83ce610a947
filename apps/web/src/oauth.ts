import { completeOAuth, consumeRateLimit, ipKey } from "@roestify/api";
import type { Services } from "@roestify/runtime";
import { type Request, Router } from "express";

/** The query string exactly as Shopify sent it: the HMAC covers every parameter. */
const rawQuery = (req: Request) => new URLSearchParams(req.originalUrl.split("?")[1] ?? "");

/** The OAuth redirect target: no procedure, it answers with a redirect. */
export function oauthRoutes(services: Services) {
  return Router().get("/api/v1/shopify/oauth/callback", async (req, res) => {
    // The browser is not signed in here: the per-IP limit comes first, and answers with JSON.
    await consumeRateLimit(services.db.pool, "callback", ipKey(req.ip));
    res.redirect(302, await completeOAuth(services, rawQuery(req)));
  });
}
