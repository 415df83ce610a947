import { createCaller } from "@roestify/api";
import type { Services } from "@roestify/runtime";
import type { Request, RequestHandler } from "express";

type Caller = ReturnType<typeof createCaller>;

/** The tRPC context of one HTTP request, for both /trpc and the REST shim. */
export function requestContext(services: Services, req: Request) {
  return { ...services, authorization: req.headers.authorization, ip: req.ip ?? "unknown" };
}

/**
 * The REST shim: a /api/v1 route is a thin call of the same procedure tRPC exposes, answered as
 * `{"data": …}`. Errors go to the error handler, which renders the contract's envelope.
 */
export function restRoute<T>(
  services: Services,
  call: (caller: Caller, req: Request) => Promise<T>,
  status = 200,
  body: (result: T) => object = (data) => ({ data }),
): RequestHandler {
  return async (req, res) => {
    const result = await call(createCaller(requestContext(services, req)), req);
    res.status(status).json(body(result));
  };
}
