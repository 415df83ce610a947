import "@shopify/shopify-api/adapters/node";
import type { IncomingMessage } from "node:http";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import type { ShopifyEnv } from "../env.ts";

/** How a delivery's signature and headers checked out. */
export type WebhookVerdict =
  | { ok: true }
  /** No or a wrong `X-Shopify-Hmac-Sha256` (or nothing to sign): 401, nothing recorded. */
  | { ok: false; reason: "unauthorized" }
  /** Signed, but without the headers every delivery has (topic, shop, version, webhook id). */
  | { ok: false; reason: "missing_headers"; missing: string[] };

/**
 * Checks a webhook delivery with @shopify/shopify-api's `webhooks.validate`: base64
 * HMAC-SHA256 of the raw body with the app secret, compared in constant time, and Shopify's
 * required headers. Built once per process.
 */
export function webhookVerifier(env: Pick<ShopifyEnv, "SHOPIFY_API_KEY" | "SHOPIFY_API_SECRET">) {
  const api = shopifyApi({
    apiKey: env.SHOPIFY_API_KEY,
    apiSecretKey: env.SHOPIFY_API_SECRET,
    hostName: "localhost",
    isEmbeddedApp: false,
    apiVersion: ApiVersion.October26,
    // Its log lines would go around the app's logger; the caller logs what matters.
    logger: { level: LogSeverity.Error, log: async () => {} },
  });
  return async (rawBody: Buffer, request: IncomingMessage): Promise<WebhookVerdict> => {
    const result = await api.webhooks.validate({
      rawBody: rawBody.toString("utf8"),
      rawRequest: request,
    });
    if (result.valid) return { ok: true };
    if (result.reason === "missing_headers" && "missingHeaders" in result) {
      return { ok: false, reason: "missing_headers", missing: result.missingHeaders };
    }
    return { ok: false, reason: "unauthorized" };
  };
}
