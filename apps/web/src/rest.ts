import { type AnswerCache, RenderedAnswer, type RestRoute, restRoutes } from "@roestify/api";
import type { Services } from "@roestify/runtime";
import { type Request, type RequestHandler, Router } from "express";
import { requestAuthorization } from "./session.ts";

/** The tRPC context of one HTTP request, for both /trpc and the REST shim. */
export function requestContext(services: Services, req: Request, answers?: AnswerCache) {
  return {
    ...services,
    authorization: requestAuthorization(req),
    ip: req.ip ?? "unknown",
    answers,
  };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A route's input: the JSON body (or the query string), with path parameters and mapped headers
 * on top, so none of them can be smuggled in through the body. An empty header counts as absent.
 */
function inputOf(route: RestRoute, req: Request): unknown {
  const source: unknown = route.body ? req.body : req.query;
  const fields: Record<string, unknown> = { ...req.params };
  for (const [header, field] of Object.entries(route.headers)) {
    fields[field] = req.get(header) || undefined;
  }
  if (Object.keys(fields).length === 0) return source;
  if (source === undefined) return fields;
  return isPlainObject(source) ? { ...source, ...fields } : source;
}

/**
 * The REST shim, made from the procedures' `rest` metadata: each route calls the same procedure
 * tRPC exposes and answers `{"data": …}` (a page as it is: `{"data": [...], "next"}`) with the
 * route's status; an answer the procedure rendered already is sent as it is. Errors go to the
 * error handler, which renders the contract's envelope.
 */
export function restRouter(
  services: Services,
  answers?: AnswerCache,
  routes: RestRoute[] = restRoutes(),
): Router {
  const router = Router();
  for (const route of routes) {
    const expressPath = route.path.replace(/\{(\w+)\}/g, ":$1");
    const handler: RequestHandler = async (req, res) => {
      const input = route.input ? inputOf(route, req) : undefined;
      // What `createCaller(ctx).shopify.job(input)` does, without a caller (proxies) per request.
      const data = await route.call({
        ctx: requestContext(services, req, answers),
        path: route.procedure,
        type: route.call._def.type,
        getRawInput: async () => input,
        signal: undefined,
        batchIndex: 0,
      });
      res.status(route.status);
      if (data instanceof RenderedAnswer) res.type("json").send(data.body);
      else res.json(route.meta.rest.paged ? data : { data });
    };
    router[route.method.toLowerCase() as "get"](expressPath, handler);
  }
  return router;
}
