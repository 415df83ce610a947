export { createDatabase, type Database, transaction } from "./database.ts";
export { devDataDir, resolveDatabaseUrl } from "./dev-database.ts";
export { type EmbeddedCluster, startEmbeddedPostgres } from "./embedded.ts";
export { ConfigError, parseEnv } from "./config.ts";
export { readDatabaseEnv } from "./env.ts";
export { migrate, migrationsApplied } from "./migrate.ts";
export { decryptSql, decryptToken, encryptSql, encryptToken } from "./token-crypto.ts";
export type { PrismaClient } from "./generated/prisma/client.ts";
export { type MirrorTable, mirrorTables } from "./mirror-tables.ts";
