import { ApiError } from "@roestify/api";
import { renderMetrics } from "@roestify/jobs";
import { metricsAuthorized, type Services } from "@roestify/runtime";
import { Router } from "express";

/** `GET /metrics`: Prometheus text of this process and of the shared state in the database. */
export function metricsRoutes({ db, env }: Services) {
  return Router().get("/metrics", async (req, res) => {
    if (!metricsAuthorized(env.METRICS_TOKEN, req.headers.authorization)) {
      throw new ApiError("unauthorized");
    }
    const metrics = await renderMetrics(db.pool);
    res.type(metrics.contentType).send(metrics.body);
  });
}
