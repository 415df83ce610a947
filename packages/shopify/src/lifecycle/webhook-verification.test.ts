import { createHmac } from "node:crypto";
import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { describe, expect, it } from "vitest";
import { webhookVerifier } from "./webhook-verification.ts";

const secret = "app-secret-0123456789";
const verify = webhookVerifier({ SHOPIFY_API_SECRET: secret });
// Shopify's reference implementation, the oracle the verdicts are held to.
const shopifyLibrary = shopifyApi({
  apiKey: "app-key",
  apiSecretKey: secret,
  hostName: "localhost",
  isEmbeddedApp: false,
  apiVersion: ApiVersion.October26,
  logger: { level: 0, log: () => {} },
});

const sign = (body: Buffer | string, key = secret) =>
  createHmac("sha256", key).update(body).digest("base64");

/** A delivery's headers as Shopify sends them (Node lower-cases them), with `changes` on top. */
function headersOf(body: string, changes: Record<string, string | undefined> = {}) {
  const headers: Record<string, string | undefined> = {
    "content-type": "application/json",
    "x-shopify-topic": "orders/create",
    "x-shopify-hmac-sha256": sign(body),
    "x-shopify-shop-domain": "mein-shop.myshopify.com",
    "x-shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    "x-shopify-event-id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
    "x-shopify-triggered-at": "2026-12-06T10:00:00.000Z",
    "x-shopify-api-version": "2026-10",
    ...changes,
  };
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** What the library says of the same delivery, in the verifier's terms. */
async function libraryVerdict(body: string, headers: Record<string, string>) {
  const request = new IncomingMessage(new Socket());
  request.headers = headers;
  request.rawHeaders = Object.entries(headers).flat();
  const result = await shopifyLibrary.webhooks.validate({ rawBody: body, rawRequest: request });
  if (result.valid) return { ok: true };
  if (result.reason === "missing_headers" && "missingHeaders" in result) {
    return { ok: false, reason: "missing_headers", missing: result.missingHeaders };
  }
  return { ok: false, reason: "unauthorized" };
}

describe("webhookVerifier", () => {
  const body = JSON.stringify({
    id: 820982911946154500,
    email: "jürgen@example.com",
    note: "Größe",
  });
  const cases: [string, Record<string, string | undefined>][] = [
    ["signed with the app secret", {}],
    ["signed with another secret", { "x-shopify-hmac-sha256": sign(body, "not-the-secret") }],
    ["without a signature", { "x-shopify-hmac-sha256": undefined }],
    ["with an empty signature", { "x-shopify-hmac-sha256": "" }],
    ["with a signature that is no HMAC", { "x-shopify-hmac-sha256": "bm9wZQ==" }],
    ["signed over another body", { "x-shopify-hmac-sha256": sign(`${body} `) }],
    [
      "signed, without topic and webhook id",
      { "x-shopify-topic": undefined, "x-shopify-webhook-id": undefined },
    ],
    [
      "signed, without shop and version",
      { "x-shopify-shop-domain": undefined, "x-shopify-api-version": undefined },
    ],
    [
      "signed, without event id and time (optional)",
      { "x-shopify-event-id": undefined, "x-shopify-triggered-at": undefined },
    ],
  ];
  it.each(cases)("gives @shopify/shopify-api's verdict on a delivery %s", async (_, changes) => {
    const headers = headersOf(body, changes);
    const verdict = verify(Buffer.from(body), headers);
    expect(verdict).toEqual(await libraryVerdict(body, headers));
  });

  it("names the missing headers as Shopify spells them", () => {
    const verdict = verify(Buffer.from(body), headersOf(body, { "x-shopify-topic": undefined }));
    expect(verdict).toEqual({ ok: false, reason: "missing_headers", missing: ["X-Shopify-Topic"] });
  });

  it("signs the body's bytes, not a decoding of them", () => {
    // Not UTF-8: decoding to a string and back would change what was signed.
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const headers = headersOf("", { "x-shopify-hmac-sha256": sign(bytes) });
    expect(verify(bytes, headers)).toEqual({ ok: true });
  });
});
