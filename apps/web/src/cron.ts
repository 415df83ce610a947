import { ApiError, sameSecret } from "@roestify/api";
import { runQueueTickAndJobs } from "@roestify/jobs";
import type { Services } from "@roestify/runtime";
import { type RequestHandler, Router } from "express";

// Stop picking up jobs after this long, so the request ends within a typical 60 s cron timeout.
const tickBudgetMs = 50_000;

/** `GET|POST /cron/shopify-queue`: one queue tick, for schedulers outside this deployment. */
export function cronRoutes(services: Services) {
  const tick: RequestHandler = async (req, res) => {
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    if (!sameSecret(given, services.env.CRON_SECRET)) throw new ApiError("unauthorized");
    res.json({ data: await runQueueTickAndJobs(services, tickBudgetMs) });
  };
  return Router().get("/cron/shopify-queue", tick).post("/cron/shopify-queue", tick);
}
