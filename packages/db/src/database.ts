import { PrismaPg } from "@prisma/adapter-pg";
import { Kysely, PostgresDialect, type PostgresPool, type Selectable } from "kysely";
import pg from "pg";
import type { DB } from "./generated/kysely/types.ts";
import { PrismaClient } from "./generated/prisma/client.ts";

// bigint columns (Shopify ids) come back as JS strings by default; numbers past 2^53 would be
// wrong as `number`, so they stay strings and are converted where needed.
/** Anything that runs SQL: the pool, or one client inside a transaction. */
export type Queryable = Pick<pg.ClientBase, "query">;

/** Kysely over our tables: types generated from schema.prisma by prisma-kysely. */
export type TypedSql = Kysely<DB>;

/** A row of one of our tables as a SELECT returns it. */
export type Row<Table extends keyof DB> = Selectable<DB[Table]>;

/**
 * Some columns of a table as a raw query returns them, named and typed by the generated schema:
 * renaming or removing a column fails typecheck. `Narrowed` gives a column the type the schema
 * cannot know (a jsonb column's shape, a CHECKed text column's enum); it can only narrow.
 */
export type Columns<
  Table extends keyof DB,
  Name extends keyof Row<Table>,
  Narrowed extends { [N in Name]?: Row<Table>[N] } = Record<never, never>,
> = { [N in Name]: N extends keyof Narrowed ? Narrowed[N] : Row<Table>[N] };

export interface Database {
  /** The connection string (graphile-worker opens its own connections with it). */
  url: string;
  /** The process's one pool: raw SQL (COPY, locks, pgcrypto), Kysely and Prisma all use it. */
  pool: pg.Pool;
  /** The typed client for ordinary reads and writes of one row or a few. */
  prisma: PrismaClient;
  /** Typed set-based SQL on the pool; inside a transaction, `typed(tx)`. */
  sql: TypedSql;
  close(): Promise<void>;
}

export function createDatabase(connectionString: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on("error", () => {});
  // A client's own errors reject its queries; unhandled, they would crash the process (and
  // graphile-worker, sharing the pool for its utilities, insists on the handler).
  pool.on("connect", (client) => client.on("error", () => {}));
  // Prisma's adapter takes the pool as it is (and leaves ending it to us).
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    url: connectionString,
    pool,
    prisma,
    sql: typed(pool),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/**
 * Kysely on the pool, or on one connection (a transaction's client): then its statements run in
 * that transaction.
 */
export function typed(db: Queryable): TypedSql {
  const pool: PostgresPool =
    db instanceof pg.Pool
      ? db
      : {
          connect: async () => ({ query: db.query.bind(db), release() {} }),
          end: async () => {},
          options: {},
        };
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
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
