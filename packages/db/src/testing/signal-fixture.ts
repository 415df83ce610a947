// A process that, like web and worker, still works while it shuts down on a signal
// (embedded.test.ts): with `cluster`, on an embedded database it started itself; with `process`,
// on one it started in a process of its own (as `pnpm start` does); without, it only loads this
// package, as web and worker do with DATABASE_URL set.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { startClusterProcess } from "../cluster-process.ts";
import { passwordFile } from "../embedded.ts";
import { startEmbeddedPostgres } from "../index.ts";

const dataDir = mkdtempSync(join(tmpdir(), "roestify-signal-pg-"));
const mode = process.argv[2];
const cluster =
  mode === "cluster"
    ? await startEmbeddedPostgres({ dataDir, persistent: false })
    : mode === "process"
      ? await startClusterProcess(dataDir)
      : null;

async function query(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  const outcome = await client
    .connect()
    .then(() => client.query("SELECT 1"))
    .then(
      () => "ok",
      (error: Error) => error.message,
    );
  await client.end().catch(() => {});
  return outcome;
}

// Alive until told to stop, as a server is.
const alive = setInterval(() => {}, 60_000);
const shutDown = async (signal: string) => {
  clearInterval(alive);
  await sleep(1000);
  console.log(`after ${signal}: ${cluster ? await query(cluster.url) : "ok"}`);
  await cluster?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(passwordFile(dataDir), { force: true });
  process.exit(0);
};
process.once("SIGTERM", shutDown);
process.once("SIGINT", shutDown);
console.log("ready");
