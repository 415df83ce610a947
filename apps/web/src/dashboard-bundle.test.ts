import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { dashboardDist } from "./dashboard.ts";

// The build `pnpm test` makes before the tests run (`pnpm --filter @roestify/dashboard build`).
const html = await readFile(join(dashboardDist, "index.html"), "utf8");
const scripts = await Promise.all(
  [...html.matchAll(/src="\/dashboard\/(assets\/[^"]+\.js)"/g)].map(([, path]) =>
    readFile(join(dashboardDist, path as string), "utf8"),
  ),
);

describe("the dashboard's bundle", () => {
  it("is at most 150 kB of JavaScript, gzipped", () => {
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, script) => sum + gzipSync(script, { level: 9 }).length, 0);
    console.info(`dashboard JavaScript: ${(gzipped / 1024).toFixed(1)} kB gzipped`);
    expect(gzipped).toBeLessThanOrEqual(150 * 1024);
  });

  it("holds the router's type only, none of the server's code", () => {
    const bundle = scripts.join("\n");
    // tRPC's client is there; its server side, the database and the job queue are not.
    expect(bundle).toContain("httpSubscriptionLink");
    for (const serverOnly of [
      "initTRPC",
      "pgp_sym_encrypt",
      "graphile",
      "PrismaClient",
      "jwtVerify",
    ]) {
      expect(bundle, serverOnly).not.toContain(serverOnly);
    }
  });
});
