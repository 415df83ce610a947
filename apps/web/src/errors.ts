import { ApiError, toApiError } from "@roestify/api";
import type { Logger } from "@roestify/runtime";
import type { ErrorRequestHandler, Request, RequestHandler } from "express";

export const notFound: RequestHandler = () => {
  throw new ApiError("not_found");
};

/** Every error leaves as the contract's envelope; unexpected ones are logged, never shown. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const apiError = fromBodyParser(error) ?? toApiError(error);
    if (apiError.status >= 500) logRequestFailure(log, req, error);
    res.status(apiError.status).set(apiError.headers).json(apiError.toBody());
  };
}

function fromBodyParser(error: { type?: string }): ApiError | undefined {
  if (error.type === "entity.too.large") return new ApiError("payload_too_large");
  if (error.type === "entity.parse.failed") {
    return new ApiError("invalid_request", { message: "Der Body ist kein gültiges JSON." });
  }
  if (error.type?.startsWith("encoding.") || error.type === "charset.unsupported") {
    return new ApiError("invalid_request");
  }
  return undefined;
}

/** An unexpected error, logged once with the request's id; the client sees `internal_error`. */
export function logRequestFailure(log: Logger, req: Request, error: unknown): void {
  log.error({ err: error, reqId: req.id, path: req.path }, "request failed");
}
