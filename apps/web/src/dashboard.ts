import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ApiError, authenticate } from "@roestify/api";
import type { Services } from "@roestify/runtime";
import express, { type Response, Router } from "express";
import { sessionToken, setSessionCookie } from "./session.ts";

/** The dashboard's build output (packages/dashboard/dist), made by `pnpm install` and `pnpm test`. */
export const dashboardDist = join(
  dirname(createRequire(import.meta.url).resolve("@roestify/dashboard/package.json")),
  "dist",
);

const page = (title: string, text: string) => `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – Roestify</title></head>
<body><main><h1>${title}</h1><p>${text}</p></main></body></html>
`;

const signInRequired = page(
  "Anmeldung erforderlich",
  "Bitte melde dich in Roestify an; danach öffnet sich diese Seite.",
);

function sendPage(res: Response, status: number, html: string) {
  res.status(status).set("Cache-Control", "no-store").type("html").send(html);
}

/**
 * The roastery's settings page (a single-page app that talks to /trpc only), for a browser with a
 * valid session cookie; without one a 401 page. `demoSignIn` adds the demo's sign-in link.
 */
export function dashboardRoutes(services: Services, options: { demoSignIn: boolean }) {
  const secret = new TextEncoder().encode(services.env.AUTH_JWT_SECRET);
  const signedIn = (token: string | undefined) =>
    authenticate(token === undefined ? undefined : `Bearer ${token}`, secret).then(
      () => true,
      (error: unknown) => {
        if (error instanceof ApiError) return false;
        throw error;
      },
    );

  // Read once: the build does not change while the process runs. A missing build is read again.
  let indexHtml: Promise<string | undefined> | undefined;
  const router = Router()
    .use(
      "/dashboard/assets",
      express.static(join(dashboardDist, "assets"), { immutable: true, maxAge: "1y" }),
    )
    .get("/dashboard", (_req, res) => res.redirect(302, "/dashboard/settings?tab=shopify"))
    .get("/dashboard/settings", async (req, res) => {
      if (!(await signedIn(sessionToken(req)))) return sendPage(res, 401, signInRequired);
      indexHtml ??= readFile(join(dashboardDist, "index.html"), "utf8").catch(() => undefined);
      const html = await indexHtml;
      if (html === undefined) {
        indexHtml = undefined;
        services.log.error(
          { dashboardDist },
          "dashboard not built: pnpm --filter @roestify/dashboard build",
        );
        return sendPage(res, 503, page("Nicht verfügbar", "Das Dashboard ist noch nicht gebaut."));
      }
      sendPage(res, 200, html);
    });
  if (options.demoSignIn) {
    // Demo mode only: the link `pnpm start` prints carries the demo user's token.
    router.get("/dashboard/demo-sign-in", async (req, res) => {
      const token = typeof req.query.token === "string" ? req.query.token : undefined;
      if (!token || !(await signedIn(token))) return sendPage(res, 401, signInRequired);
      setSessionCookie(res, token, services.env);
      res.redirect(302, "/dashboard/settings?tab=shopify");
    });
  }
  return router;
}
