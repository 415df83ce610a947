import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const logger = fileURLToPath(new URL("./logger.ts", import.meta.url));

/** Runs `script` (an ES module importing createLogger as `createLogger`) and collects stdout. */
async function run(script: string) {
  const child = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { createLogger } from ${JSON.stringify(logger)};\n${script}`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const seen: { msg: string; beforeExit: boolean }[] = [];
  let exited = false;
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    for (const line of chunk.trim().split("\n")) {
      seen.push({ msg: JSON.parse(line).msg, beforeExit: !exited });
    }
  });
  child.once("exit", () => {
    exited = true;
  });
  // `close` comes after `exit` and after standard output has ended.
  const [code] = await once(child, "close");
  return { code, seen };
}

describe("createLogger on standard output", () => {
  it("writes buffered lines within a moment while the process runs, and the rest when it exits", async () => {
    const { code, seen } = await run(`
      const log = createLogger({ name: "t" });
      log.info("während des Laufs");
      setTimeout(() => {
        log.info("beim Beenden");
        process.exit(0);
      }, 1000);
    `);
    expect(code).toBe(0);
    expect(seen).toEqual([
      { msg: "während des Laufs", beforeExit: true },
      { msg: "beim Beenden", beforeExit: expect.any(Boolean) },
    ]);
  });
});
