import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../embedded.ts";
import { prepareDatabase } from "../migrate.ts";

export const templateDatabase = "roestify_template";

/** One throwaway cluster per test run, with a migrated template that each test file copies. */
export default async function setup(project: TestProject) {
  const cluster = await startEmbeddedPostgres({
    dataDir: mkdtempSync(join(tmpdir(), "roestify-test-pg-")),
    persistent: false,
  });
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${templateDatabase}`);
  await admin.end();
  await prepareDatabase(cluster.url.replace(/\/postgres$/, `/${templateDatabase}`));
  project.provide("postgresAdminUrl", cluster.url);
  return () => cluster.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}
