import type { AppRouter } from "@roestify/api";
import { createTRPCClient, httpLink } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { noRows, readEnvelope, signUserToken, startTestApp } from "./testing.ts";

const { url, db } = await startTestApp();

const get = (path: string, authorization?: string) =>
  fetch(`${url}${path}`, { headers: authorization ? { authorization } : {} });

describe("health", () => {
  it("is alive and ready once the database is migrated", async () => {
    expect(await (await get("/healthz")).json()).toEqual({ data: { status: "ok" } });
    const ready = await get("/readyz");
    expect(ready.status).toBe(200);
  });

  it("sends security headers and hides the framework", async () => {
    const response = await get("/healthz");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-powered-by")).toBeNull();
  });
});

describe("error envelope", () => {
  it("answers unknown routes with 404 not_found", async () => {
    const response = await get("/api/v1/nope");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: "not_found", message: expect.any(String) },
    });
  });

  it("refuses bodies over 100 kB with 413 payload_too_large", async () => {
    const response = await fetch(`${url}/api/v1/shopify/status`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ padding: "x".repeat(120_000) }),
    });
    expect(response.status).toBe(413);
    expect((await readEnvelope(response)).error?.code).toBe("payload_too_large");
  });

  it("answers malformed JSON with 400 invalid_request", async () => {
    const response = await fetch(`${url}/api/v1/shopify/status`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(response.status).toBe(400);
    expect((await readEnvelope(response)).error?.code).toBe("invalid_request");
  });
});

describe("authentication", () => {
  const unauthorized = async (authorization: string | undefined) => {
    const response = await get("/api/v1/shopify/status", authorization);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { code: "unauthorized", message: expect.any(String) },
    });
  };

  it("refuses a missing or malformed bearer token", async () => {
    await unauthorized(undefined);
    await unauthorized("Bearer");
    await unauthorized("Basic dXNlcjpwdw==");
    await unauthorized("Bearer not-a-jwt");
  });

  it("refuses an expired token", async () => {
    await unauthorized(await signUserToken({}, { expiresIn: Math.floor(Date.now() / 1000) - 10 }));
  });

  it("refuses a token signed with another secret", async () => {
    await unauthorized(await signUserToken({}, { secret: "another-secret-0123456789abcdefghij" }));
  });

  it("refuses an unsigned token (alg none)", async () => {
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString("base64url");
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const token = `${encode({ alg: "none", typ: "JWT" })}.${encode({ sub: "u", org: "o", exp })}.`;
    await unauthorized(`Bearer ${token}`);
  });

  it("refuses a token without org or without exp", async () => {
    const { SignJWT } = await import("jose");
    const key = new TextEncoder().encode("test-jwt-secret-0123456789abcdef0123456789");
    const noOrg = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("u")
      .setExpirationTime("1h")
      .sign(key);
    const noExp = await new SignJWT({ org: "o" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("u")
      .sign(key);
    await unauthorized(`Bearer ${noOrg}`);
    await unauthorized(`Bearer ${noExp}`);
  });

  it("creates the organisation with plan free on first sight", async () => {
    const response = await get(
      "/api/v1/shopify/status",
      await signUserToken({ org: "roesterei-a" }),
    );
    expect(response.status).toBe(200);
    const org = await db.pool.query("SELECT plan FROM organizations WHERE id = 'roesterei-a'");
    expect(org.rows).toEqual([{ plan: "free" }]);
  });
});

describe("status through REST and tRPC", () => {
  it("gives the same answer through both", async () => {
    const authorization = await signUserToken({ org: "roesterei-b" });
    const rest = await readEnvelope(await get("/api/v1/shopify/status", authorization));
    const trpc = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${url}/trpc`, headers: { authorization } })],
    });
    expect(await trpc.shopify.status.query()).toEqual(rest.data);
    expect(rest.data).toEqual({
      connection: null,
      jobs: { full_sync: null, incremental_sync: null, inventory_push: null },
      mirror_counts: noRows,
    });
  });

  it("keeps 401 under tRPC, with the contract's error code", async () => {
    const trpc = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/trpc` })] });
    await expect(trpc.shopify.status.query()).rejects.toMatchObject({
      data: { httpStatus: 401, apiError: { code: "unauthorized" } },
    });
  });
});
