import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { runMigrations } from "graphile-worker";
import pg from "pg";

export const migrationsDir = new URL("../prisma/migrations/", import.meta.url);

// Any constant shared by every process that migrates this database.
const migrationLockKey = 72_616_001;

/** Prisma's own bookkeeping table, so `prisma migrate deploy` and this runner are interchangeable. */
const createMigrationsTable = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(): Migration[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(new URL(`${name}/migration.sql`, migrationsDir), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so processes starting
 * together neither both migrate nor see a half-migrated schema. Returns the names applied.
 */
export async function migrate(connectionString: string): Promise<string[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [migrationLockKey]);
    await client.query(createMigrationsTable);
    const applied = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations"
       WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const checksums = new Map(applied.rows.map((row) => [row.migration_name, row.checksum]));
    const pending: string[] = [];
    for (const migration of readMigrations()) {
      const known = checksums.get(migration.name);
      if (known !== undefined) {
        if (known !== migration.checksum) {
          throw new Error(`migration ${migration.name} was changed after it was applied`);
        }
        continue;
      }
      await client.query(migration.sql);
      await client.query(
        `INSERT INTO "_prisma_migrations"
           (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, now(), $3, now(), 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
      pending.push(migration.name);
    }
    await client.query("COMMIT");
    return pending;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

/** True when every migration in the repository is applied (readiness). */
export async function migrationsApplied(db: pg.Pool): Promise<boolean> {
  const names = readMigrations().map((migration) => migration.name);
  const result = await db
    .query<{ n: string }>(
      `SELECT count(*) AS n FROM "_prisma_migrations"
       WHERE migration_name = ANY($1) AND finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      [names],
    )
    .catch(() => ({ rows: [{ n: "0" }] }));
  return Number(result.rows[0]?.n) === names.length;
}

/** Everything a fresh database needs: this project's migrations and graphile-worker's schema. */
export async function prepareDatabase(connectionString: string): Promise<string[]> {
  const applied = await migrate(connectionString);
  await runMigrations({ connectionString });
  return applied;
}
