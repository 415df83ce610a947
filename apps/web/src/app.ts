import { appRouter } from "@roestify/api";
import type { Services } from "@roestify/runtime";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import express from "express";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import { cronRoutes } from "./cron.ts";
import type { WebEnv } from "./env.ts";
import { errorHandler, notFound } from "./errors.ts";
import { healthRoutes } from "./health.ts";
import { metricsRoutes } from "./metrics.ts";
import { oauthRoutes } from "./oauth.ts";
import { requestContext, restRoute } from "./rest.ts";

/** The web app; `TRUST_PROXY` hops of X-Forwarded-For decide the client IP (per-IP limits). */
export function createApp(
  services: Services,
  web: Pick<WebEnv, "TRUST_PROXY"> = { TRUST_PROXY: 0 },
) {
  const app = express();
  app.disable("x-powered-by");
  // A hop count, never `true`: only the addresses the operator's own proxies appended count.
  app.set("trust proxy", web.TRUST_PROXY);
  app.use(helmet());
  app.use(
    pinoHttp({
      logger: services.log,
      // The path only: query strings carry OAuth codes and signatures.
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, path: req.url.split("?")[0] }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  // Every body is JSON here; anything over 100 kB is refused before it is read in full.
  app.use(express.json({ limit: "100kb", type: () => true }));

  app.use(healthRoutes(services));
  app.use(metricsRoutes(services));
  app.use(
    "/trpc",
    createExpressMiddleware({
      router: appRouter,
      createContext: ({ req }) => requestContext(services, req),
    }),
  );
  app.use(oauthRoutes(services));
  app.use(cronRoutes(services));
  app.get(
    "/api/v1/shopify/status",
    restRoute(services, (caller) => caller.shopify.status()),
  );
  app.post(
    "/api/v1/shopify/sync",
    restRoute(services, (caller, req) => caller.shopify.sync(req.body)),
  );
  app.get(
    "/api/v1/shopify/jobs",
    restRoute(
      services,
      (caller, req) => caller.shopify.jobs(req.query),
      200,
      (page) => ({ data: page.jobs, next: page.next }),
    ),
  );
  app.get(
    "/api/v1/shopify/jobs/:id",
    restRoute(services, (caller, req) => caller.shopify.job({ id: String(req.params.id) })),
  );
  app.post(
    "/api/v1/shopify/jobs/:id/retry",
    restRoute(services, (caller, req) => caller.shopify.retryJob({ id: String(req.params.id) })),
  );
  app.post(
    "/api/v1/shopify/jobs/:id/cancel",
    restRoute(services, (caller, req) => caller.shopify.cancelJob({ id: String(req.params.id) })),
  );
  app.post(
    "/api/v1/inventory/packagings",
    restRoute(
      services,
      (caller, req) =>
        caller.inventory.recordPackaging({
          ...req.body,
          idempotencyKey: req.get("idempotency-key"),
        }),
      201,
    ),
  );
  app.post(
    "/api/v1/inventory/adjustments",
    restRoute(
      services,
      (caller, req) =>
        caller.inventory.recordAdjustment({
          ...req.body,
          idempotencyKey: req.get("idempotency-key"),
        }),
      201,
    ),
  );
  app.get(
    "/api/v1/inventory",
    restRoute(services, (caller) => caller.inventory.list()),
  );
  app.put(
    "/api/v1/inventory/:sku/mapping",
    restRoute(services, (caller, req) =>
      caller.inventory.setMapping({ ...req.body, sku: String(req.params.sku) }),
    ),
  );
  app.patch(
    "/api/v1/shopify/connection",
    restRoute(services, (caller, req) => caller.shopify.updateConnection(req.body)),
  );

  app.use(notFound);
  app.use(errorHandler(services.log));
  return app;
}
