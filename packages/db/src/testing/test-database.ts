import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, inject } from "vitest";
import { createDatabase, type Database } from "../database.ts";
import { templateDatabase } from "./global-setup.ts";

export type TestDatabase = Database;

/**
 * A fresh database for one test file, copied from the migrated template (or empty), dropped
 * after the file's tests. Files never share a database, so they run in parallel.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = inject("postgresAdminUrl");
  const name = `test_${randomBytes(6).toString("hex")}`;
  const template = options.empty ? "template0" : templateDatabase;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const database = createDatabase(url);
  afterAll(async () => {
    await database.close();
    await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE ${name} WITH (FORCE)`));
  });
  return database;
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
