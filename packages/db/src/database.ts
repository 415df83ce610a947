import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client.ts";

// bigint columns (Shopify ids) come back as JS strings by default; numbers past 2^53 would be
// wrong as `number`, so they stay strings and are converted where needed.
/** Anything that runs SQL: the pool, or one client inside a transaction. */
export type Queryable = Pick<pg.ClientBase, "query">;

export interface Database {
  /** The connection string (graphile-worker opens its own connections with it). */
  url: string;
  /** Raw SQL for set-based work (mirror upserts, locks, pgcrypto). */
  pool: pg.Pool;
  /** The typed client for ordinary reads and writes. */
  prisma: PrismaClient;
  close(): Promise<void>;
}

export function createDatabase(connectionString: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
  return {
    url: connectionString,
    pool,
    prisma,
    async close() {
      await Promise.all([pool.end(), prisma.$disconnect()]);
    },
  };
}

/** Runs `work` in a transaction on one pooled connection; rolls back on any error. */
export async function transaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
