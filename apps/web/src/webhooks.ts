import { ApiError } from "@roestify/api";
import { acceptWebhook } from "@roestify/jobs";
import type { Services } from "@roestify/runtime";
import { normalizeShopDomain, webhookVerifier } from "@roestify/shopify";
import express, { type ErrorRequestHandler, type Request, Router } from "express";

export const webhookPath = "/api/v1/shopify/webhooks";

const header = (req: Request, name: string) => req.get(name)?.trim() || undefined;

/** A time Shopify sent; none when it is missing or unreadable. */
function time(value: string | undefined): Date | null {
  const at = value ? new Date(value) : null;
  return at && !Number.isNaN(at.getTime()) ? at : null;
}

/** Bodies up to 5 MB here (not the 100 kB of the other routes). */
const tooLarge: ErrorRequestHandler = (error, _req, _res, next) => {
  if ((error as { type?: string }).type === "entity.too.large") {
    next(
      new ApiError("payload_too_large", { message: "Die Anfrage ist zu groß (höchstens 5 MB)." }),
    );
  } else next(error);
};

/**
 * Every webhook Shopify delivers. The raw body is read here, before and instead of the JSON
 * parser, because the HMAC covers its exact bytes. A verified delivery is stored and queued in
 * one transaction and answered at once; its effect runs in the queue.
 */
export function webhookRoutes(services: Services) {
  const verify = webhookVerifier(services.shopify);
  return Router()
    .post(webhookPath, express.raw({ type: () => true, limit: "5mb" }), async (req, res) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const verdict = verify(body, req.headers);
      if (!verdict.ok && verdict.reason === "unauthorized") throw new ApiError("unauthorized");
      if (!verdict.ok) {
        throw new ApiError("invalid_request", { details: { missing_headers: verdict.missing } });
      }
      let payload: unknown;
      try {
        payload = JSON.parse(body.toString("utf8"));
      } catch {
        throw new ApiError("invalid_request", { message: "Der Body ist kein gültiges JSON." });
      }
      const shop = normalizeShopDomain(header(req, "x-shopify-shop-domain"));
      if (!shop) throw new ApiError("invalid_shop");
      const webhookId = header(req, "x-shopify-webhook-id") as string;
      const accepted = await acceptWebhook(services.db, {
        eventId: header(req, "x-shopify-event-id") ?? webhookId,
        webhookId,
        topic: header(req, "x-shopify-topic") as string,
        shop,
        apiVersion: header(req, "x-shopify-api-version") as string,
        triggeredAt: time(header(req, "x-shopify-triggered-at")),
        payload,
      });
      res.status(200).json({ data: { accepted } });
    })
    .use(webhookPath, tooLarge);
}
