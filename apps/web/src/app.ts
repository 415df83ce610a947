import { AnswerCache, appRouter, type JobEvents, toApiError } from "@roestify/api";
import type { Services } from "@roestify/runtime";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import express from "express";
import helmet from "helmet";
import { apiDocsRoutes } from "./api-docs.ts";
import { cronRoutes } from "./cron.ts";
import { dashboardRoutes } from "./dashboard.ts";
import { errorHandler, logRequestFailure, notFound } from "./errors.ts";
import { healthRoutes } from "./health.ts";
import { metricsRoutes } from "./metrics.ts";
import { oauthRoutes } from "./oauth.ts";
import { requestLog } from "./request-log.ts";
import { requestContext, restRouter } from "./rest.ts";
import { refuseCrossOriginCookieWrites } from "./session.ts";
import { webhookRoutes } from "./webhooks.ts";

/**
 * The web app. `trustProxy` hops of X-Forwarded-For decide the client IP (per-IP limits);
 * `jobEvents` feeds the dashboard's live job updates (a web process has one); `demoSignIn` adds
 * demo mode's sign-in link; `answerCacheBytes` bounds the rendered answers it keeps (the stock
 * lists; 64 MiB when not given).
 */
export function createApp(
  services: Services,
  options: {
    trustProxy?: number;
    jobEvents?: JobEvents;
    demoSignIn?: boolean;
    answerCacheBytes?: number;
  } = {},
) {
  const answers = new AnswerCache(options.answerCacheBytes ?? 64 * 2 ** 20);
  const app = express();
  app.disable("x-powered-by");
  // No ETag on answers: each is computed afresh anyway, so a match would save only the transfer
  // of a small body, and Express would hash every body to offer one. Static files keep theirs.
  app.set("etag", false);
  // A hop count, never `true`: only the addresses the operator's own proxies appended count.
  app.set("trust proxy", options.trustProxy ?? 0);
  app.use(helmet());
  app.use(requestLog(services.log));
  // Webhooks read their raw body themselves (the HMAC covers its bytes): before the JSON parser.
  app.use(webhookRoutes(services));
  app.use(refuseCrossOriginCookieWrites(services.env));
  // Every other body is JSON; anything over 100 kB is refused before it is read in full.
  app.use(express.json({ limit: "100kb", type: () => true }));
  // The API before the other routes: its calls are most of the traffic, and no other route's path
  // is one of its paths.
  app.use(restRouter(services, answers));

  app.use(healthRoutes(services));
  app.use(metricsRoutes(services));
  app.use(
    "/trpc",
    createExpressMiddleware({
      router: appRouter,
      createContext: ({ req }) => ({
        ...requestContext(services, req, answers),
        jobEvents: options.jobEvents,
      }),
      // One request may not multiply into hundreds of procedure calls.
      maxBatchSize: 10,
      onError: ({ error, req }) => {
        if (toApiError(error).status >= 500) logRequestFailure(services.log, req, error);
      },
    }),
  );
  app.use(dashboardRoutes(services, { demoSignIn: options.demoSignIn ?? false }));
  app.use(oauthRoutes(services));
  app.use(cronRoutes(services));
  app.use(apiDocsRoutes());

  app.use(notFound);
  app.use(errorHandler(services.log));
  return app;
}
