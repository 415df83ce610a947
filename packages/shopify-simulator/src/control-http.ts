/** The control API over HTTP under `/_control/…`: JSON in, JSON out. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ZodError } from "zod";
import type { Control } from "./control.ts";
import { ControlError } from "./errors.ts";
import { BodyTooLargeError, json, readBody, send } from "./http.ts";

type Handler = (
  control: Control,
  /** Path parameters; a route only reads those its path has. */
  params: { shop: string; id: string },
  body: never,
  query: URLSearchParams,
) => unknown;

const routes: [method: string, path: string, handler: Handler][] = [
  ["GET", "/_control/shops", (c) => c.listShops()],
  ["POST", "/_control/shops", (c, _p, body) => c.createShop(body)],
  ["GET", "/_control/shops/:shop", (c, p) => c.getShop(p.shop)],
  ["PATCH", "/_control/shops/:shop", (c, p, body) => c.updateShop(p.shop, body)],
  ["DELETE", "/_control/shops/:shop", (c, p) => c.deleteShop(p.shop)],
  ["POST", "/_control/shops/:shop/products", (c, p, body) => c.createProduct(p.shop, body)],
  [
    "PATCH",
    "/_control/shops/:shop/products/:id",
    (c, p, body) => c.updateProduct(p.shop, p.id, body),
  ],
  ["DELETE", "/_control/shops/:shop/products/:id", (c, p) => c.deleteProduct(p.shop, p.id)],
  [
    "PATCH",
    "/_control/shops/:shop/variants/:id",
    (c, p, body) => c.updateVariant(p.shop, p.id, body),
  ],
  ["DELETE", "/_control/shops/:shop/variants/:id", (c, p) => c.deleteVariant(p.shop, p.id)],
  ["POST", "/_control/shops/:shop/customers", (c, p, body) => c.createCustomer(p.shop, body)],
  [
    "PATCH",
    "/_control/shops/:shop/customers/:id",
    (c, p, body) => c.updateCustomer(p.shop, p.id, body),
  ],
  ["POST", "/_control/shops/:shop/orders", (c, p, body) => c.placeOrder(p.shop, body)],
  [
    "POST",
    "/_control/shops/:shop/orders/:id/cancel",
    (c, p, body) => c.cancelOrder(p.shop, p.id, body),
  ],
  [
    "POST",
    "/_control/shops/:shop/orders/:id/refunds",
    (c, p, body) => c.refundOrder(p.shop, p.id, body),
  ],
  [
    "POST",
    "/_control/shops/:shop/orders/:id/returns",
    (c, p, body) => c.processReturn(p.shop, p.id, body),
  ],
  [
    "POST",
    "/_control/shops/:shop/orders/:id/edit",
    (c, p, body) => c.editOrder(p.shop, p.id, body),
  ],
  [
    "POST",
    "/_control/shops/:shop/orders/:id/fulfill",
    (c, p, body) => c.fulfillOrder(p.shop, p.id, body),
  ],
  [
    "GET",
    "/_control/shops/:shop/inventory",
    (c, p, _b, q) => c.getInventory(p.shop, Object.fromEntries(q)),
  ],
  ["PUT", "/_control/shops/:shop/inventory", (c, p, body) => c.setInventory(p.shop, body)],
  ["PUT", "/_control/shops/:shop/faults", (c, p, body) => c.setFaults(p.shop, body)],
  ["DELETE", "/_control/shops/:shop/faults", (c, p) => c.clearFaults(p.shop)],
  ["POST", "/_control/shops/:shop/tokens", (c, p, body) => c.createAccessToken(p.shop, body)],
  ["DELETE", "/_control/shops/:shop/tokens", (c, p, body) => c.revokeTokens(p.shop, body)],
  ["POST", "/_control/shops/:shop/tokens/expire", (c, p, body) => c.expireTokens(p.shop, body)],
  [
    "POST",
    "/_control/shops/:shop/oauth/fail-next-exchange",
    (c, p, body) => c.failNextTokenExchange(p.shop, body),
  ],
  ["POST", "/_control/shops/:shop/oauth/install", (c, p, body) => c.install(p.shop, body)],
  ["PUT", "/_control/webhooks/app-address", (c, _p, body) => c.setAppWebhookUri(body)],
  ["PUT", "/_control/webhooks/faults", (c, _p, body) => c.setWebhookFaults(body)],
  [
    "GET",
    "/_control/webhooks/deliveries",
    (c, _p, _b, q) => c.webhookDeliveries({ shop: q.get("shop") ?? undefined }),
  ],
  ["GET", "/_control/shops/:shop/webhooks", (c, p) => c.webhookSubscriptions(p.shop)],
  ["POST", "/_control/shops/:shop/uninstall", (c, p) => c.uninstallApp(p.shop)],
  ["POST", "/_control/shops/:shop/redact", (c, p) => c.redactShop(p.shop)],
  [
    "POST",
    "/_control/shops/:shop/customers/:id/redact",
    (c, p, body) =>
      c.redactCustomer(p.shop, { ...((body as object | undefined) ?? {}), customerId: p.id }),
  ],
  [
    "POST",
    "/_control/shops/:shop/customers/:id/data-request",
    (c, p, body) =>
      c.requestCustomerData(p.shop, { ...((body as object | undefined) ?? {}), customerId: p.id }),
  ],
  ["POST", "/_control/shops/:shop/scopes", (c, p, body) => c.updateScopes(p.shop, body)],
  ["GET", "/_control/clock", (c) => ({ now: c.now() })],
  ["POST", "/_control/clock", (c, _p, body) => ({ now: c.setClock(body) })],
  ["GET", "/_control/requests", (c, _p, _b, q) => c.requests({ shop: q.get("shop") ?? undefined })],
  ["DELETE", "/_control/requests", (c) => c.clearRequests()],
];

const compiled = routes.map(([method, path, handler]) => ({
  method,
  pattern: new RegExp(`^${path.replace(/:(\w+)/g, "(?<$1>[^/]+)")}$`),
  handler,
}));

const controlErrorCodes: Record<number, string> = { 404: "not_found", 409: "conflict" };

export async function handleControl(
  control: Control,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<number> {
  const matching = compiled.filter((route) => route.pattern.test(url.pathname));
  const route = matching.find((r) => r.method === req.method);
  if (!route) {
    const status = matching.length > 0 ? 405 : 404;
    send(
      res,
      json(status, {
        error: {
          code: status === 405 ? "method_not_allowed" : "not_found",
          message: `${req.method} ${url.pathname}`,
        },
      }),
    );
    return status;
  }
  const params = Object.fromEntries(
    Object.entries(route.pattern.exec(url.pathname)?.groups ?? {}).map(([k, v]) => [
      k,
      decodeURIComponent(v),
    ]),
  ) as { shop: string; id: string };
  try {
    const text = await readBody(req, 10 << 20);
    const body = text ? JSON.parse(text) : undefined;
    const result = route.handler(control, params, body as never, url.searchParams);
    send(res, result === undefined ? { status: 204 } : json(200, result));
    return result === undefined ? 204 : 200;
  } catch (error) {
    const [status, code, details] =
      error instanceof ZodError
        ? [400, "invalid_request", { issues: error.issues }]
        : error instanceof SyntaxError
          ? [400, "invalid_json", {}]
          : error instanceof BodyTooLargeError
            ? [413, "payload_too_large", {}]
            : error instanceof ControlError
              ? [error.status, controlErrorCodes[error.status] ?? "invalid_request", {}]
              : [500, "internal_error", {}];
    send(res, json(status, { error: { code, message: (error as Error).message, ...details } }));
    return status;
  }
}
