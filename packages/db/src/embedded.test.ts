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

/**
 * Runs the fixture in a process group of its own, signals it once it is ready (`group`: the whole
 * group, as a terminal's Ctrl-C does), and returns its output and exit code.
 */
async function signalFixture(mode: string, signal: NodeJS.Signals, group = false) {
  const fixture = fileURLToPath(new URL("./testing/signal-fixture.ts", import.meta.url));
  const child = spawn(process.execPath, [fixture, mode], {
    detached: true,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const pid = child.pid as number;
  let output = "";
  let signalled = false;
  child.stdout.on("data", (chunk) => {
    output += chunk;
    if (!signalled && output.includes("ready")) {
      signalled = true;
      process.kill(group ? -pid : pid, signal);
    }
  });
  const [code] = await once(child, "exit");
  return { output, code };
}

describe("signals", () => {
  it("leave an embedded cluster up until the process's own shutdown stops it", async () => {
    expect(await signalFixture("cluster", "SIGTERM")).toEqual({
      output: "ready\nafter SIGTERM: ok\n",
      code: 0,
    });
  });

  it("let a process that only loads this package shut down in its own time", async () => {
    expect(await signalFixture("", "SIGTERM")).toEqual({
      output: "ready\nafter SIGTERM: ok\n",
      code: 0,
    });
  });

  it("do not reach a cluster in its own process when a terminal's Ctrl-C hits the group", async () => {
    expect(await signalFixture("process", "SIGINT", true)).toEqual({
      output: "ready\nafter SIGINT: ok\n",
      code: 0,
    });
  });
});
