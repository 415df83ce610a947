import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const start = fileURLToPath(new URL("./start.ts", import.meta.url));

describe("pnpm start", () => {
  it("checks the whole configuration first and stops with one line naming the variable", () => {
    const run = (env: Record<string, string>) => {
      const result = spawnSync(process.execPath, [start], {
        env: { PATH: process.env.PATH ?? "", ...env },
        encoding: "utf8",
        timeout: 20_000,
      });
      return { status: result.status, stderr: result.stderr.trim() };
    };
    // Not demo mode (SHOPIFY_API_KEY is set), so the secrets are required.
    expect(run({ SHOPIFY_API_KEY: "key" })).toEqual({
      status: 1,
      stderr: "start: configuration error: AUTH_JWT_SECRET: is required",
    });
    expect(run({ DATABASE_URL: "mysql://db" })).toEqual({
      status: 1,
      stderr: "start: configuration error: DATABASE_URL: must be a postgres:// connection string",
    });
  });
});
