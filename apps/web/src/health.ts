import { migrationsApplied } from "@roestify/db";
import type { Services } from "@roestify/runtime";
import { Router } from "express";

export function healthRoutes({ db }: Services) {
  return Router()
    .get("/healthz", (_req, res) => {
      res.json({ data: { status: "ok" } });
    })
    .get("/readyz", async (_req, res) => {
      const ready = await migrationsApplied(db.pool);
      res.status(ready ? 200 : 503).json(
        ready
          ? { data: { status: "ready" } }
          : {
              error: {
                code: "not_ready",
                message: "Datenbank nicht erreichbar oder nicht migriert.",
              },
            },
      );
    });
}
