import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { simulatorNodeFlags } from "./node-flags.ts";

describe("simulator Node flags", () => {
  it("are the package's start script's", () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(simulatorNodeFlags).toEqual([
      "--max-semi-space-size=64",
      "--no-allocation-site-pretenuring",
    ]);
    expect(manifest.scripts.start).toBe(`node ${simulatorNodeFlags.join(" ")} src/cli.ts`);
  });
});
