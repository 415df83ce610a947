import {
  type Database,
  type JobType,
  jobTypes,
  type MirrorTable,
  mirrorTables,
} from "@roestify/db";
import { z } from "zod";

type Prisma = Database["prisma"];
type Connection = NonNullable<Awaited<ReturnType<Prisma["shopifyConnection"]["findUnique"]>>>;
type Location = Awaited<ReturnType<Prisma["shopifyLocation"]["findMany"]>>[number];
type SyncJob = NonNullable<Awaited<ReturnType<Prisma["shopifySyncJob"]["findUnique"]>>>;

export const locationGid = (id: bigint) => `gid://shopify/Location/${id}`;

/** A connection as the API shows it: never a token, not even encrypted. */
export function connectionView(connection: Connection, locations: Location[]) {
  return {
    shop: connection.shop,
    status: connection.status,
    scopes: connection.scopes.split(",").filter(Boolean),
    connected_at: connection.connectedAt.toISOString(),
    locations: locations.map((location) => ({
      id: locationGid(location.shopifyId),
      name: location.name,
      is_primary: location.isPrimary,
      is_active: location.isActive,
    })),
    inventory_location_id:
      connection.inventoryLocationId === null ? null : locationGid(connection.inventoryLocationId),
    inventory_push_enabled: connection.inventoryPushEnabled,
  };
}

export const jobStatuses = ["queued", "running", "succeeded", "failed", "cancelled"] as const;

/** A job as the API shows it (`GET /jobs/:id`); `last_error` is a German sentence for people. */
export const jobOutput = z.object({
  id: z.string(),
  type: z.enum(jobTypes),
  status: z.enum(jobStatuses),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  progress: z.record(z.string(), z.unknown()),
  last_error: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  rows_written: z.record(z.enum(mirrorTables), z.number().int()),
});

export function jobView(job: SyncJob): z.infer<typeof jobOutput> {
  return {
    id: job.id,
    type: job.type as JobType,
    status: job.status as (typeof jobStatuses)[number],
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    progress: job.progress as Record<string, unknown>,
    last_error: job.lastError,
    created_at: job.createdAt.toISOString(),
    started_at: job.startedAt?.toISOString() ?? null,
    finished_at: job.finishedAt?.toISOString() ?? null,
    rows_written: { ...zeroCounts(), ...(job.rowsWritten as object) },
  };
}

export function zeroCounts(): Record<MirrorTable, number> {
  return Object.fromEntries(mirrorTables.map((table) => [table, 0])) as Record<MirrorTable, number>;
}

/** Rows of each mirror table that belong to the connection. */
export async function mirrorCounts(
  db: Database,
  connectionId: string | undefined,
): Promise<Record<MirrorTable, number>> {
  if (!connectionId) return zeroCounts();
  const selects = mirrorTables.map(
    (table) => `(SELECT count(*) FROM ${table} WHERE connection_id = $1)::int AS ${table}`,
  );
  const result = await db.pool.query(`SELECT ${selects.join(", ")}`, [connectionId]);
  return result.rows[0] as Record<MirrorTable, number>;
}
