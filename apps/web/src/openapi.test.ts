import { createHmac } from "node:crypto";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import {
  insertConnection,
  signedCallbackQuery,
  signUserToken,
  startTestApp,
  testSecrets,
} from "./testing.ts";

const { url, db } = await startTestApp();

interface Operation {
  responses: Record<string, { content?: Record<string, unknown> }>;
}
type OpenApi = { openapi: string; paths: Record<string, Record<string, Operation>> };

const document = (await (await fetch(`${url}/api/v1/openapi.json`)).json()) as OpenApi;

// The whole document is one schema resource, so the responses' `#/components/…` refs resolve.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(document, "openapi");

/** Which answers were checked per operation: "GET /api/v1/…" → statuses. */
const checked = new Map<string, Set<number>>();

/**
 * Sends a request and checks its answer against the document: the status must be documented
 * for the operation (`path` as the document spells it) and the body valid against its schema.
 */
async function call(
  method: string,
  path: string,
  options: {
    params?: Record<string, string>;
    query?: string;
    org?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
) {
  const concrete = path.replace(/\{(\w+)\}/g, (_, name) => options.params?.[name] ?? "");
  const response = await fetch(`${url}${concrete}${options.query ? `?${options.query}` : ""}`, {
    method,
    redirect: "manual",
    headers: {
      ...(options.org ? { authorization: await signUserToken({ org: options.org }) } : {}),
      ...(options.body !== undefined || options.rawBody
        ? { "content-type": "application/json" }
        : {}),
      ...options.headers,
    },
    body:
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const operation = document.paths[path]?.[method.toLowerCase()];
  expect(operation, `${method} ${path} is in the document`).toBeDefined();
  const documented = operation?.responses[String(response.status)];
  expect(documented, `${method} ${path} documents ${response.status}`).toBeDefined();
  const text = await response.text();
  const schemaPointer = `openapi#/paths/${path.replaceAll("~", "~0").replaceAll("/", "~1")}/${method.toLowerCase()}/responses/${response.status}/content/application~1json/schema`;
  let body: unknown = text;
  if (documented?.content?.["application/json"]) {
    body = JSON.parse(text);
    const validate = ajv.getSchema(schemaPointer) ?? ajv.compile({ $ref: schemaPointer });
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  }
  const key = `${method} ${path}`;
  checked.set(key, (checked.get(key) ?? new Set()).add(response.status));
  // biome-ignore lint/suspicious/noExplicitAny: the test reads what the schema just accepted
  return { status: response.status, headers: response.headers, body: body as any };
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 and describes every /api/v1 route with its errors", () => {
    expect(document.openapi).toBe("3.1.0");
    for (const [path, operations] of Object.entries(document.paths)) {
      expect(path.startsWith("/api/v1/")).toBe(true);
      for (const operation of Object.values(operations)) {
        expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
      }
    }
  });

  it("is served readably at /api/v1/docs, without a token, from local files", async () => {
    const page = await call("GET", "/api/v1/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const scripts = [...String(page.body).matchAll(/src="([^"]+)"/g)].map((match) => match[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      expect(script?.startsWith("/api/v1/docs/")).toBe(true);
      expect((await fetch(`${url}${script}`)).status).toBe(200);
    }
    expect((await call("GET", "/api/v1/openapi.json")).status).toBe(200);
  });
});

describe("every answer validates against the document", () => {
  it("status, jobs and sync", async () => {
    expect((await call("GET", "/api/v1/shopify/status", { org: "org-alone" })).status).toBe(200);
    expect((await call("GET", "/api/v1/shopify/status")).status).toBe(401);
    await insertConnection(db, "org-shop", "openapi.myshopify.com");
    const sync = await call("POST", "/api/v1/shopify/sync", {
      org: "org-shop",
      body: { type: "full" },
    });
    expect(sync.status).toBe(200);
    const connected = await call("GET", "/api/v1/shopify/status", { org: "org-shop" });
    expect(connected.body.data.jobs.full_sync.id).toBe(sync.body.data.job_id);
    const job = (id: string, org?: string) =>
      call("GET", "/api/v1/shopify/jobs/{id}", { params: { id }, org });
    expect((await job(sync.body.data.job_id, "org-shop")).status).toBe(200);
    expect((await job(sync.body.data.job_id, "org-alone")).status).toBe(404);
    expect((await job("not-a-uuid")).status).toBe(401);

    const syncOf = (org: string, body: unknown) =>
      call("POST", "/api/v1/shopify/sync", { org, body });
    expect((await syncOf("org-alone", { type: "sometimes" })).status).toBe(400);
    expect((await syncOf("org-alone", { type: "full" })).status).toBe(409);
    await insertConnection(db, "org-used", "used.myshopify.com");
    await db.pool.query(
      "INSERT INTO plan_usage VALUES ('org-used', (now() AT TIME ZONE 'UTC')::date, 3)",
    );
    expect((await syncOf("org-used", { type: "incremental" })).status).toBe(402);
    // Three a user in two minutes: the third passes, the fourth is limited.
    expect((await syncOf("org-alone", { type: "full" })).status).toBe(409);
    expect((await syncOf("org-alone", { type: "full" })).status).toBe(429);
    const tooLarge = await call("POST", "/api/v1/shopify/sync", {
      org: "org-shop",
      rawBody: JSON.stringify({ type: "full", padding: "x".repeat(120_000) }),
    });
    expect(tooLarge.status).toBe(413);
  });

  it("the job list, retry and cancel", async () => {
    const connectionId = await insertConnection(db, "org-jobs", "jobs.myshopify.com");
    const insertJob = async (status: string) =>
      (
        await db.pool.query<{ id: string }>(
          `INSERT INTO shopify_sync_jobs (organization_id, connection_id, type, status, requested_by)
           VALUES ('org-jobs', $1, 'incremental_sync', $2, 'test') RETURNING id`,
          [connectionId, status],
        )
      ).rows[0]?.id as string;
    const cancelled = await insertJob("cancelled");
    const list = (query: string) => call("GET", "/api/v1/shopify/jobs", { org: "org-jobs", query });
    const page = await list("limit=1");
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ data: [expect.objectContaining({ id: cancelled })], next: null });
    expect((await list("limit=0")).status).toBe(400);
    expect((await list(`before=${crypto.randomUUID()}`)).status).toBe(404);

    const action = (name: string, id: string) =>
      call("POST", `/api/v1/shopify/jobs/{id}/${name}`, { params: { id }, org: "org-jobs" });
    const retried = await action("retry", cancelled);
    expect(retried.body.data).toMatchObject({ status: "queued", type: "incremental_sync" });
    expect((await action("retry", retried.body.data.id)).status).toBe(409);
    expect((await action("retry", crypto.randomUUID())).status).toBe(404);
    // Retry and cancel share the user's sync limit: the cancels come from another user.
    const otherUser = await signUserToken({ org: "org-jobs", sub: "user-2" });
    const cancel = (id: string) =>
      call("POST", "/api/v1/shopify/jobs/{id}/cancel", {
        params: { id },
        headers: { authorization: otherUser },
      });
    expect((await cancel(retried.body.data.id)).body.data.status).toBe("cancelled");
    expect((await cancel(retried.body.data.id)).status).toBe(409);
    expect((await cancel(crypto.randomUUID())).status).toBe(404);
  });

  it("the connection", async () => {
    const patch = (org: string, body: unknown) =>
      call("PATCH", "/api/v1/shopify/connection", { org, body });
    const chosen = await patch("org-shop", { inventory_location_id: "gid://shopify/Location/102" });
    expect(chosen.status).toBe(200);
    expect(chosen.body.data.inventory_location_id).toBe("gid://shopify/Location/102");
    expect((await patch("org-shop", { inventory_location_id: "102" })).status).toBe(400);
    expect(
      (await patch("org-alone", { inventory_location_id: "gid://shopify/Location/1" })).status,
    ).toBe(409);
  });

  it("disconnect and data requests", async () => {
    const requests = await call("GET", "/api/v1/shopify/data-requests", { org: "org-gdpr" });
    expect(requests).toMatchObject({ status: 200, body: { data: [] } });
    expect((await call("GET", "/api/v1/shopify/data-requests")).status).toBe(401);

    const disconnect = (org: string, query?: string) =>
      call("DELETE", "/api/v1/shopify/connection", { org, query });
    expect((await disconnect("org-never")).status).toBe(409);
    const connectionId = await insertConnection(db, "org-leaving", "abschied.myshopify.com");
    // Without a usable token no request leaves for Shopify: the uninstall fails, locally it ends.
    await db.pool.query("UPDATE shopify_connections SET status = 'reauth_required' WHERE id = $1", [
      connectionId,
    ]);
    const ended = await disconnect("org-leaving", "purge=false");
    expect(ended.status).toBe(200);
    expect(ended.body.data).toMatchObject({
      connection: { status: "disconnected" },
      details: { uninstall: "failed" },
    });
    expect((await disconnect("org-leaving", "purge=vielleicht")).status).toBe(400);
    const purged = await disconnect("org-leaving", "purge=true");
    expect(purged.body.data).toEqual({ connection: null, details: { uninstall: "skipped" } });
  });

  it("OAuth", async () => {
    const authorize = (shop: string) =>
      call("GET", "/api/v1/shopify/oauth/authorize", { org: "org-oauth", query: `shop=${shop}` });
    expect((await authorize("mein-shop.myshopify.com")).status).toBe(200);
    expect((await authorize("evil.com")).status).toBe(400);
    for (let i = 0; i < 3; i++) await authorize("mein-shop.myshopify.com");
    expect((await authorize("mein-shop.myshopify.com")).status).toBe(429);

    const callback = () =>
      call("GET", "/api/v1/shopify/oauth/callback", {
        query: signedCallbackQuery({ shop: "x.myshopify.com", state: "s", timestamp: "1" }),
      });
    const redirect = await callback();
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toContain("reason=invalid_state");
    let limited = redirect;
    for (let i = 0; i < 10 && limited.status === 302; i++) limited = await callback();
    expect(limited.status).toBe(429);
  });

  it("webhooks", async () => {
    const body = JSON.stringify({ id: 1 });
    const deliver = (hmac: string) =>
      call("POST", "/api/v1/shopify/webhooks", {
        rawBody: body,
        headers: {
          "x-shopify-topic": "products/update",
          "x-shopify-hmac-sha256": hmac,
          "x-shopify-shop-domain": "niemand.myshopify.com",
          "x-shopify-webhook-id": "w-1",
          "x-shopify-event-id": "e-1",
          "x-shopify-api-version": "2026-10",
        },
      });
    const signed = createHmac("sha256", testSecrets.SHOPIFY_API_SECRET)
      .update(body)
      .digest("base64");
    expect((await deliver(signed)).status).toBe(200);
    expect((await deliver("falsch")).status).toBe(401);
  });

  it("inventory", async () => {
    const connectionId = await insertConnection(db, "org-stock", "stock.myshopify.com");
    await db.pool.query(
      `INSERT INTO shopify_product_variants (connection_id, shopify_id, product_id, title, sku, inventory_item_id, raw)
       VALUES ($1, 7, 1, '1 kg', 'BRA-1000', 1007, '{}')`,
      [connectionId],
    );
    const packaging = (body: unknown, headers: Record<string, string> = {}) =>
      call("POST", "/api/v1/inventory/packagings", { org: "org-stock", body, headers });
    expect(
      (await packaging({ sku: "BRA-1000", quantity: 5 }, { "idempotency-key": "k1" })).status,
    ).toBe(201);
    expect((await packaging({ sku: "BRA-1000", quantity: 0 })).status).toBe(400);
    expect(
      (await packaging({ sku: "BRA-1000", quantity: 6 }, { "idempotency-key": "k1" })).status,
    ).toBe(422);
    const adjustment = (body: unknown) =>
      call("POST", "/api/v1/inventory/adjustments", { org: "org-stock", body });
    expect((await adjustment({ sku: "BRA-1000", delta: -2, reason: "correction" })).status).toBe(
      201,
    );
    expect(
      (await adjustment({ sku: "BRA-1000", counted: 3, reason: "stocktake" })).body.data,
    ).toMatchObject({ movement_id: null, available: 3 });
    expect((await adjustment({ sku: "BRA-1000", delta: -4, reason: "write_off" })).status).toBe(
      409,
    );
    expect((await adjustment({ sku: "NOPE", delta: 1, reason: "sample" })).status).toBe(404);
    expect(
      (await adjustment({ sku: "BRA-1000", delta: 1, counted: 1, reason: "sample" })).status,
    ).toBe(400);
    const tooLarge = await call("POST", "/api/v1/inventory/packagings", {
      org: "org-stock",
      rawBody: JSON.stringify({ sku: "x".repeat(120_000), quantity: 1 }),
    });
    expect(tooLarge.status).toBe(413);

    const list = await call("GET", "/api/v1/inventory", { org: "org-stock" });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect((await call("GET", "/api/v1/inventory")).status).toBe(401);

    const mapping = (sku: string, body: unknown) =>
      call("PUT", "/api/v1/inventory/{sku}/mapping", { org: "org-stock", params: { sku }, body });
    expect(
      (await mapping("BRA-1000", { shopify_variant_ids: ["gid://shopify/ProductVariant/7"] }))
        .status,
    ).toBe(200);
    expect(
      (await mapping("BRA-1000", { shopify_variant_ids: ["gid://shopify/ProductVariant/8"] }))
        .status,
    ).toBe(400);
    expect((await mapping("NOPE", { shopify_variant_ids: null })).status).toBe(404);
  });
});

it("checked every operation of the document", () => {
  // Every operation of the document was answered successfully and, where it can fail on the
  // caller's account, with an error: a route added without a case here fails this test.
  const missing: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const method of Object.keys(operations)) {
      const key = `${method.toUpperCase()} ${path}`;
      const statuses = [...(checked.get(key) ?? [])];
      const documentsErrors = Object.keys(operations[method]?.responses ?? {}).some(
        (status) => Number(status) >= 400 && Number(status) < 500,
      );
      if (!statuses.some((status) => status < 400)) missing.push(`${key}: no success checked`);
      if (documentsErrors && !statuses.some((status) => status >= 400)) {
        missing.push(`${key}: no error checked`);
      }
    }
  }
  expect(missing).toEqual([]);
});
