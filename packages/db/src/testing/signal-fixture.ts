// A process that, like web and worker, still works while it shuts down on SIGTERM
// (embedded.test.ts): with `cluster`, on an embedded database it started itself; without, it
// only loads this package, as web and worker do with DATABASE_URL set.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { startEmbeddedPostgres } from "../index.ts";

const cluster =
  process.argv[2] === "cluster"
    ? await startEmbeddedPostgres({
        dataDir: mkdtempSync(join(tmpdir(), "roestify-signal-pg-")),
        persistent: false,
      })
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
process.once("SIGTERM", async () => {
  clearInterval(alive);
  await sleep(1000);
  console.log(`after SIGTERM: ${cluster ? await query(cluster.url) : "ok"}`);
  await cluster?.stop();
  process.exit(0);
});
console.log("ready");
