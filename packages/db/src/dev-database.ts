import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startClusterProcess } from "./cluster-process.ts";
import { clusterUrl, storedPassword } from "./embedded.ts";

/** Development data, kept between runs of `pnpm start`. */
export const devDataDir = fileURLToPath(new URL("../../../.data/postgres", import.meta.url));
const devPort = 54_329;

/**
 * The database to use: DATABASE_URL when given; else the embedded development cluster in
 * `.data/postgres`, started here or — when another process of this repo already runs it — reused.
 */
export async function resolveDatabaseUrl(
  databaseUrl: string | undefined,
): Promise<{ url: string; stop: () => Promise<void> }> {
  if (databaseUrl) return { url: databaseUrl, stop: async () => {} };
  const running = await runningDevCluster();
  const cluster = running
    ? { url: running, stop: async () => {} }
    : await startClusterProcess(devDataDir, devPort);
  const url = cluster.url.replace(/\/postgres$/, "/roestify");
  await ensureDatabaseExists(url);
  return { url, stop: cluster.stop };
}

async function runningDevCluster(): Promise<string | undefined> {
  let port: string | undefined;
  try {
    // postmaster.pid: pid, data dir, start time, port, …
    port = readFileSync(`${devDataDir}/postmaster.pid`, "utf8").split("\n")[3]?.trim();
  } catch {
    return undefined;
  }
  const password = storedPassword(devDataDir);
  if (!port || !password) return undefined;
  const url = clusterUrl(password, port);
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return url;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates the database named in `url` on the embedded cluster's first run. */
async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`).catch((error) => {
        // Another process created it at the same moment.
        if ((error as { code?: string }).code !== "42P04") throw error;
      });
    }
  } finally {
    await client.end();
  }
}
