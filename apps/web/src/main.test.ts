import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { testSecrets } from "./testing.ts";

const main = fileURLToPath(new URL("./main.ts", import.meta.url));

/** Starts the web process with exactly this environment; configuration errors stop it at once. */
function startWeb(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
  return { status: result.status, lines: result.stderr.trim().split("\n") };
}

describe("start-up configuration", () => {
  it("stops with one line naming a missing variable", () => {
    const { AUTH_JWT_SECRET: _, ...withoutJwtSecret } = testSecrets;
    const result = startWeb(withoutJwtSecret);
    expect(result.status).toBe(1);
    expect(result.lines).toEqual(["web: configuration error: AUTH_JWT_SECRET: is required"]);
  });

  it("stops with one line naming an invalid variable", () => {
    expect(startWeb({ ...testSecrets, PORT: "http" }).lines).toEqual([
      expect.stringMatching(/^web: configuration error: PORT: /),
    ]);
    expect(startWeb({ ...testSecrets, TOKEN_ENCRYPTION_KEY: "short" }).lines).toEqual([
      "web: configuration error: TOKEN_ENCRYPTION_KEY: must be at least 32 characters",
    ]);
    expect(startWeb({ ...testSecrets, SHOPIFY_API_ORIGIN: "ftp://x" }).lines).toEqual([
      "web: configuration error: SHOPIFY_API_ORIGIN: must be an http(s) URL",
    ]);
  });

  it("refuses secrets under 32 characters and a Shopify origin other than this machine", () => {
    expect(startWeb({ ...testSecrets, AUTH_JWT_SECRET: "x".repeat(31) }).lines).toEqual([
      "web: configuration error: AUTH_JWT_SECRET: must be at least 32 characters",
    ]);
    expect(
      startWeb({ ...testSecrets, SHOPIFY_API_ORIGIN: "https://shopify.example.com" }).lines,
    ).toEqual([
      expect.stringMatching(/^web: configuration error: SHOPIFY_API_ORIGIN: must be a loopback/),
    ]);
  });

  it("names SHOPIFY_API_KEY when a single process is started without it", () => {
    const { SHOPIFY_API_KEY: _, ...withoutKey } = testSecrets;
    expect(startWeb(withoutKey).lines).toEqual([
      expect.stringMatching(/^web: configuration error: SHOPIFY_API_KEY: is required/),
    ]);
  });
});
