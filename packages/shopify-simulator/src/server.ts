/**
 * The HTTP face of the simulator: Shopify's OAuth and Admin GraphQL endpoints for many shops on
 * one port (the shop comes from `Host` or `X-Forwarded-Host`), bulk result downloads, and the
 * control API. Faults are injected into Admin API requests before anything else happens.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Control } from "./control.ts";
import { handleControl } from "./control-http.ts";
import type { RequestContext } from "./graphql/context.ts";
import { type GraphQLRequest, runGraphQL } from "./graphql/execute.ts";
import { grantedScopes } from "./graphql/scopes.ts";
import { BodyTooLargeError, type HttpAnswer, json, parseForm, readBody, send } from "./http.ts";
import type { RequestLogEntry } from "./request-log.ts";
import type { Simulation } from "./simulation.ts";
import type { ShopState } from "./store.ts";

const MAX_BODY = 2 << 20;
const GRAPHQL_PATH = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/;
const BULK_PATH = /^\/_bulk\/(\d+)\.jsonl$/;
const API_VERSION = "2026-10";

type LogDraft = Omit<RequestLogEntry, "status" | "durationMs">;

export function createSimulatorServer(sim: Simulation, control: Control): Server {
  return createServer((req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://simulator");
    const draft: LogDraft = {
      time: sim.clock.iso(),
      method: req.method ?? "GET",
      path: url.pathname,
      shop: null,
      operationName: null,
      cost: null,
      requestedCost: null,
      throttled: false,
      fault: null,
    };
    route(sim, control, req, res, url, draft)
      .catch((error: unknown) => {
        if (error instanceof BodyTooLargeError)
          return answer(res, json(413, { errors: "Payload Too Large" }));
        if (!res.headersSent) return answer(res, json(500, { errors: "Internal Server Error" }));
        res.destroy();
        return 500;
      })
      .then((status) => {
        if (!url.pathname.startsWith("/_control/")) {
          sim.log.add({ ...draft, status, durationMs: Math.round(performance.now() - started) });
        }
      });
  });
}

function answer(res: ServerResponse, response: HttpAnswer): number {
  send(res, response);
  return response.status;
}

async function route(
  sim: Simulation,
  control: Control,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  draft: LogDraft,
): Promise<number> {
  const path = url.pathname;
  if (path.startsWith("/_control/")) return handleControl(control, req, res, url);
  const bulk = BULK_PATH.exec(path);
  if (bulk && req.method === "GET") {
    draft.shop = sim.bulk.shopOf(Number(bulk[1]));
    return sim.bulk.serve(res, Number(bulk[1]));
  }

  // A browser on the consent page sends no shop host: the shop travels as a parameter, in the
  // query of the authorize URL and in the body of the consent form.
  const browserPage = path === "/admin/oauth/authorize" || path === "/admin/oauth/install";
  const params =
    browserPage && req.method === "POST"
      ? new URLSearchParams(parseForm(await readBody(req, MAX_BODY), req.headers["content-type"]))
      : url.searchParams;
  const domain = shopDomain(
    req,
    browserPage ? (params.get("shop") ?? url.searchParams.get("shop")) : null,
  );
  const shop = domain ? sim.shops.get(domain) : undefined;
  draft.shop = shop?.domain ?? domain;
  if (!shop) return answer(res, json(404, { errors: "Not Found" }));

  if (path === "/admin/oauth/authorize" && req.method === "GET") {
    return answer(res, sim.oauth.authorizePage(shop.domain, params));
  }
  if (path === "/admin/oauth/install" && (req.method === "GET" || req.method === "POST")) {
    return answer(res, sim.oauth.installAnswer(shop.domain, params));
  }
  if (path === "/admin/oauth/access_token" && req.method === "POST") {
    let body: Record<string, string>;
    try {
      body = parseForm(await readBody(req, MAX_BODY), req.headers["content-type"]);
    } catch {
      return answer(
        res,
        json(400, { error: "invalid_request", error_description: "Malformed request body" }),
      );
    }
    return answer(res, sim.oauth.exchange(shop.domain, body));
  }
  const graphql = GRAPHQL_PATH.exec(path);
  if (graphql && req.method === "POST")
    return handleGraphQL(sim, shop, req, res, graphql[1] as string, draft);
  return answer(res, json(404, { errors: "Not Found" }));
}

/** The shop a request is for: `*.myshopify.com` in Host, else X-Forwarded-Host, else `fallback`. */
function shopDomain(req: IncomingMessage, fallback: string | null): string | null {
  const host = (req.headers.host ?? "").toLowerCase().replace(/:\d+$/, "");
  if (host.endsWith(".myshopify.com")) return host;
  const forwarded = req.headers["x-forwarded-host"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)
    ?.split(",")[0]
    ?.trim()
    .toLowerCase();
  return first || fallback?.trim().toLowerCase() || null;
}

async function handleGraphQL(
  sim: Simulation,
  shop: ShopState,
  req: IncomingMessage,
  res: ServerResponse,
  version: string,
  draft: LogDraft,
): Promise<number> {
  const text = await readBody(req, MAX_BODY);
  const draw = shop.faults.drawRequest();
  if (draw.delayMs > 0) await sleep(draw.delayMs);
  const headers = {
    "X-Shopify-API-Version": /^\d{4}-\d{2}$/.test(version) ? version : API_VERSION,
    "X-Request-Id": randomUUID(),
  };
  draft.fault = draw.fault;
  switch (draw.fault) {
    case "reset":
      req.socket.destroy();
      return 0;
    case "http500":
      return answer(res, json(500, { errors: "Internal Server Error" }, headers));
    case "http502":
      return answer(res, {
        status: 502,
        headers,
        body: "<html><body><h1>502 Bad Gateway</h1></body></html>",
      });
    case "http503":
      return answer(res, json(503, { errors: "Service Unavailable" }, headers));
    case "http429":
      return answer(
        res,
        json(
          429,
          {
            errors:
              "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.",
          },
          { ...headers, "Retry-After": String(shop.faults.config.retryAfterSeconds) },
        ),
      );
  }
  const token = sim.oauth.verify(shop.domain, headerValue(req, "x-shopify-access-token"));
  if (!token) {
    return answer(
      res,
      json(
        401,
        { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" },
        headers,
      ),
    );
  }
  const request = parseGraphQLBody(text, req.headers["content-type"]);
  if (!request) {
    return answer(
      res,
      json(400, { errors: { query: "Required parameter missing or invalid" } }, headers),
    );
  }
  const ctx: RequestContext = {
    sim,
    shop,
    scopes: grantedScopes(token.scope),
    actualCost: 0,
    search: [],
    bulk: null,
  };
  // A THROTTLED fault drains the bucket, as a burst of other calls would have.
  const outcome = runGraphQL(request, ctx, draw.fault === "throttled");
  draft.operationName = outcome.operationName;
  draft.cost = outcome.cost
    ? (outcome.cost.actualQueryCost ?? outcome.cost.requestedQueryCost)
    : null;
  draft.requestedCost = outcome.cost?.requestedQueryCost ?? null;
  draft.throttled = outcome.cost !== null && outcome.cost.actualQueryCost === null;
  // Executed, but the answer never arrives: what a client cannot tell from a failed request.
  if (draw.fault === "lostResponse") {
    req.socket.destroy();
    return 0;
  }
  return answer(res, json(200, outcome.body, headers));
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseGraphQLBody(text: string, contentType: string | undefined): GraphQLRequest | null {
  if (contentType?.includes("application/graphql")) return text ? { query: text } : null;
  try {
    const body = JSON.parse(text) as Partial<GraphQLRequest>;
    if (typeof body.query !== "string" || body.query === "") return null;
    return {
      query: body.query,
      variables: body.variables && typeof body.variables === "object" ? body.variables : null,
      operationName: typeof body.operationName === "string" ? body.operationName : null,
    };
  } catch {
    return null;
  }
}
