import { Writable } from "node:stream";
import { createLogger } from "@roestify/runtime";
import { describe, expect, it } from "vitest";
import { createApp } from "./app.ts";
import { signUserToken, startTestApp } from "./testing.ts";

const { services } = await startTestApp();

describe("request logging", () => {
  it("writes one line per request without bearer tokens, query strings or secrets", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).trim().split("\n"));
        done();
      },
    });
    const log = createLogger({ name: "web-test", destination });
    const server = createApp({ ...services, log }).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const { port } = server.address() as { port: number };
    const authorization = await signUserToken();
    const jwt = authorization.slice("Bearer ".length);
    try {
      await fetch(`http://127.0.0.1:${port}/api/v1/shopify/status`, { headers: { authorization } });
      await fetch(
        `http://127.0.0.1:${port}/api/v1/shopify/oauth/callback?code=s3cr3t-code&hmac=ab`,
        { redirect: "manual" },
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const all = lines.join("\n");
    expect(all).not.toContain(jwt);
    expect(all).not.toContain("s3cr3t-code");
    const requests = lines.map((line) => JSON.parse(line)).filter((line) => line.req);
    expect(requests).toHaveLength(2);
    // Only method, path and status: no headers, no query string.
    expect(requests[0]).toMatchObject({
      req: { id: expect.anything(), method: "GET", path: "/api/v1/shopify/status" },
      res: { statusCode: 200 },
    });
    expect(Object.keys(requests[0].req).sort()).toEqual(["id", "method", "path"]);
    expect(Object.keys(requests[0].res)).toEqual(["statusCode"]);
  });

  it("redacts token-like fields in any log call", () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    createLogger({ name: "t", destination }).info(
      { shop: { access_token: "shpat_x", refresh_token: "shprt_y" }, body: { client_secret: "z" } },
      "exchanged",
    );
    expect(lines.join("")).not.toMatch(/shpat_x|shprt_y|"z"/);
  });
});
