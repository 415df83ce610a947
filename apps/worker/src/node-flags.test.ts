import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { workerNodeFlags } from "./node-flags.ts";

describe("worker Node flags", () => {
  it("bound the old space and the young generation, in the package's start script too", () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(workerNodeFlags).toEqual(["--max-old-space-size=160", "--max-semi-space-size=32"]);
    expect(manifest.scripts.start).toBe(`node ${workerNodeFlags.join(" ")} src/main.ts`);
  });
});
