import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { letOthersTraverse } from "./embedded.ts";

describe("letOthersTraverse", () => {
  it("adds only the traverse bit for others to the folders above a path", () => {
    const top = mkdtempSync(join(tmpdir(), "roestify-traverse-"));
    const data = join(top, "checkout", ".data", "postgres");
    mkdirSync(data, { recursive: true, mode: 0o700 });
    letOthersTraverse(data);
    const mode = (dir: string) => statSync(dir).mode & 0o777;
    expect(mode(top)).toBe(0o701);
    expect(mode(join(top, "checkout", ".data"))).toBe(0o701);
    // The path itself is left as it is: PostgreSQL owns its data folder.
    expect(mode(data)).toBe(0o700);
  });
});

/** Runs the fixture, sends it SIGTERM once it is ready, and returns its output and exit code. */
async function terminateFixture(...args: string[]) {
  const fixture = fileURLToPath(new URL("./testing/signal-fixture.ts", import.meta.url));
  const child = spawn(process.execPath, [fixture, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  let signalled = false;
  child.stdout.on("data", (chunk) => {
    output += chunk;
    if (!signalled && output.includes("ready")) {
      signalled = true;
      child.kill("SIGTERM");
    }
  });
  const [code] = await once(child, "exit");
  return { output, code };
}

describe("SIGTERM", () => {
  it("leaves an embedded cluster up until the process's own shutdown stops it", async () => {
    expect(await terminateFixture("cluster")).toEqual({
      output: "ready\nafter SIGTERM: ok\n",
      code: 0,
    });
  });

  it("lets a process that only loads this package shut down in its own time", async () => {
    expect(await terminateFixture()).toEqual({ output: "ready\nafter SIGTERM: ok\n", code: 0 });
  });
});
