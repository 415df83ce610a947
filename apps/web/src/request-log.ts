import type { Logger } from "@roestify/runtime";
import type { RequestHandler } from "express";

declare global {
  namespace Express {
    interface Request {
      /** Numbered per process; errors of the request are logged with it (`reqId`). */
      id: number;
    }
  }
}

/**
 * One line per request when its answer is done (or the client went away): id, method and path
 * (never the query string: it carries OAuth codes and signatures), status and milliseconds.
 * The line is built from these fields only, so no header or body can reach it; none of them is
 * named like a secret, so its logger skips redaction (a walk over every redact path per line).
 */
export function requestLog(log: Logger): RequestHandler {
  const lines = log.child({}, { redact: [] });
  let lastId = 0;
  return (req, res, next) => {
    const started = performance.now();
    req.id = ++lastId;
    res.once("close", () => {
      lines.info(
        {
          req: { id: req.id, method: req.method, path: req.originalUrl.split("?")[0] },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
        },
        res.statusCode >= 500 ? "request errored" : "request completed",
      );
    });
    next();
  };
}
