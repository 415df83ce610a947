export { ConfigError, childEnv, parseEnv } from "./config.ts";
export {
  type Columns,
  createDatabase,
  type Database,
  type Queryable,
  type Row,
  type TypedSql,
  transaction,
  typed,
} from "./database.ts";
export { devDataDir, resolveDatabaseUrl } from "./dev-database.ts";
export { type EmbeddedCluster, startEmbeddedPostgres } from "./embedded.ts";
export {
  type ConnectionStatus,
  connectionStatuses,
  type JobStatus,
  type JobType,
  jobStatuses,
  jobTypes,
  type MovementKind,
  movementKinds,
  type Plan,
  plans,
} from "./enums.ts";
export { readDatabaseEnv } from "./env.ts";
export type { DB as Tables } from "./generated/kysely/types.ts";
export type {
  InventoryItem,
  InventoryMovement,
  Organization,
  PrismaClient,
  ShopifyConnection,
  ShopifyLocation,
  ShopifySyncJob,
} from "./generated/prisma/client.ts";
export { migrate, migrationsApplied, prepareDatabase } from "./migrate.ts";
export { type MirrorTable, mirrorTables } from "./mirror-tables.ts";
export { decryptSql, decryptToken, encryptSql, encryptToken } from "./token-crypto.ts";
