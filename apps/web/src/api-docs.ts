import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { openApiDocument } from "@roestify/api";
import express, { Router } from "express";

// Swagger UI's prebuilt files, served from this process: nothing is loaded from elsewhere.
const swaggerUi = dirname(fileURLToPath(import.meta.resolve("swagger-ui-dist/package.json")));
const assets = "/api/v1/docs/assets";

const page = `<!doctype html>
<html lang="de">
  <head>
    <meta charset="utf-8">
    <title>Roestify × Shopify – API</title>
    <link rel="stylesheet" href="${assets}/swagger-ui.css">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${assets}/swagger-ui-bundle.js"></script>
    <script src="/api/v1/docs/init.js"></script>
  </body>
</html>
`;

// A file rather than an inline script, so the default Content-Security-Policy holds.
const init = `window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
});
`;

/** `GET /api/v1/openapi.json` and `GET /api/v1/docs`: public, made from the procedures. */
export function apiDocsRoutes() {
  let document: string | undefined;
  return Router()
    .get("/api/v1/openapi.json", (_req, res) => {
      document ??= JSON.stringify(openApiDocument());
      res.type("application/json").send(document);
    })
    .get("/api/v1/docs", (_req, res) => {
      res.type("html").send(page);
    })
    .get("/api/v1/docs/init.js", (_req, res) => {
      res.type("application/javascript").send(init);
    })
    .use(assets, express.static(swaggerUi, { index: false }));
}
