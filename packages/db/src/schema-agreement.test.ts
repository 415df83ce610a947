import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { connectionStatuses, jobStatuses, jobTypes, movementKinds, plans } from "./enums.ts";
import { migrate, readMigrations } from "./migrate.ts";
import { schemaDifferences, shapeFromDatabase, shapeFromPrismaSchema } from "./schema-agreement.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

/** The CHECK constraints that hold an enum's values. */
const enums = {
  organizations_plan_check: plans,
  shopify_connections_status_check: connectionStatuses,
  shopify_sync_jobs_type_check: jobTypes,
  shopify_sync_jobs_status_check: jobStatuses,
  inventory_movements_kind_check: movementKinds,
};

const prismaSchema = readFileSync(new URL("../prisma/schema.prisma", import.meta.url), "utf8");

describe("schema.prisma and the SQL migrations", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
    await migrate(db.url);
  });

  it("agree on every table, column, type, nullability, key, index and foreign key", async () => {
    const differences = schemaDifferences(
      shapeFromPrismaSchema(prismaSchema),
      await shapeFromDatabase(db.pool),
    );
    expect(differences).toEqual([]);
  });

  it("agree with the exported enums on every CHECK's value list", async () => {
    const checks = await db.pool.query<{ name: string; definition: string }>(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
       WHERE contype = 'c' AND conname = ANY($1)`,
      [Object.keys(enums)],
    );
    const values = Object.fromEntries(
      checks.rows.map((check) => [
        check.name,
        [...check.definition.matchAll(/'([^']*)'::text/g)].map((match) => match[1]),
      ]),
    );
    expect(values).toEqual(
      Object.fromEntries(Object.entries(enums).map(([name, list]) => [name, [...list]])),
    );
  });

  it("notices a field added to schema.prisma only", async () => {
    const edited = prismaSchema.replace(
      '  plan      String   @default("free")',
      '  plan      String   @default("free")\n  country   String?',
    );
    const differences = schemaDifferences(
      shapeFromPrismaSchema(edited),
      await shapeFromDatabase(db.pool),
    );
    expect(differences).toEqual(["organizations: country text null missing in database"]);
  });

  it("notices a column, an index or a nullability change made in the database only", async () => {
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query('ALTER TABLE "shopify_products" ADD COLUMN "seo_title" TEXT');
      await client.query('CREATE INDEX "extra_idx" ON "shopify_orders" ("email")');
      await client.query('ALTER TABLE "shopify_customers" ALTER COLUMN "email" SET NOT NULL');
      const differences = schemaDifferences(
        shapeFromPrismaSchema(prismaSchema),
        await shapeFromDatabase(client),
      );
      expect(differences.sort()).toEqual([
        "shopify_customers: email text not null not in schema",
        "shopify_customers: email text null missing in database",
        "shopify_orders: index (email) not in schema",
        "shopify_products: seo_title text null not in schema",
      ]);
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  });

  it("records migrations as prisma migrate deploy does, and applies each only once", async () => {
    expect(await migrate(db.url)).toEqual([]);
    const rows = await db.pool.query(
      `SELECT migration_name, length(checksum) AS checksum_length, applied_steps_count
       FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    const folders = readMigrations().map((migration) => migration.name);
    expect(folders[0]).toBe("20261126160000_init");
    expect(rows.rows).toEqual(
      folders.map((name) => ({
        migration_name: name,
        checksum_length: 64,
        applied_steps_count: 1,
      })),
    );
  });

  it("lets only one of several processes starting together apply them", async () => {
    const fresh = await createTestDatabase({ empty: true });
    const results = await Promise.all([migrate(fresh.url), migrate(fresh.url), migrate(fresh.url)]);
    expect(results.map((applied) => applied.length).sort()).toEqual([
      0,
      0,
      readMigrations().length,
    ]);
  });
});
