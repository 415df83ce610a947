import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const start = fileURLToPath(new URL("./start.ts", import.meta.url));

const run = (env: Record<string, string>) => {
  const result = spawnSync(process.execPath, [start], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
  return { status: result.status, stderr: result.stderr.trim() };
};

describe("pnpm start", () => {
  it("checks the whole configuration first and stops with one line naming the variable", () => {
    // Not demo mode (SHOPIFY_API_KEY is set), so the secrets are required.
    expect(run({ SHOPIFY_API_KEY: "key" })).toEqual({
      status: 1,
      stderr: "start: configuration error: AUTH_JWT_SECRET: is required",
    });
    expect(run({ SHOPIFY_API_KEY: "key", DATABASE_URL: "mysql://db" })).toEqual({
      status: 1,
      stderr: "start: configuration error: DATABASE_URL: must be a postgres:// connection string",
    });
  });

  it("refuses a secret under 32 characters", () => {
    expect(run({ SHOPIFY_API_KEY: "key", AUTH_JWT_SECRET: "short" })).toEqual({
      status: 1,
      stderr: "start: configuration error: AUTH_JWT_SECRET: must be at least 32 characters",
    });
  });

  it("runs demo mode on the embedded database only: DATABASE_URL needs SHOPIFY_API_KEY", () => {
    expect(run({ DATABASE_URL: "postgres://app@db.example.com/roestify" })).toEqual({
      status: 1,
      stderr:
        "start: configuration error: SHOPIFY_API_KEY: is required with DATABASE_URL (demo mode runs on the embedded database only)",
    });
  });
});
