import {
  type Columns,
  type ConnectionStatus,
  connectionStatuses,
  type JobStatus,
  type JobType,
  jobStatuses,
  jobTypes,
  type MirrorTable,
  mirrorTables,
  type Queryable,
  type Row,
} from "@roestify/db";
import pg, { type CustomTypesConfig } from "pg";
import { z } from "zod";

const timestamp = z.iso.datetime();
const gid = (type: string) => z.string().regex(new RegExp(`^gid://shopify/${type}/\\d+$`));

/** Rows per mirror table: exactly one key per mirror. */
export const mirrorCountsSchema = z
  .object(
    Object.fromEntries(mirrorTables.map((table) => [table, z.number().int().min(0)])) as Record<
      MirrorTable,
      z.ZodNumber
    >,
  )
  .meta({ id: "MirrorCounts" });

export const jobSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(jobTypes),
    status: z.enum(jobStatuses),
    attempts: z.number().int(),
    max_attempts: z.number().int(),
    /** Where each part of the job (e.g. `products`) stands, in words; parts differ by type. */
    progress: z.record(z.string(), z.string()),
    last_error: z.string().nullable(),
    created_at: timestamp,
    started_at: timestamp.nullable(),
    finished_at: timestamp.nullable(),
    rows_written: mirrorCountsSchema,
  })
  .meta({ id: "Job" });

export const connectionSchema = z
  .object({
    shop: z.string(),
    status: z.enum(connectionStatuses),
    scopes: z.array(z.string()),
    connected_at: timestamp,
    locations: z.array(
      z.object({
        id: gid("Location"),
        name: z.string(),
        is_primary: z.boolean(),
        is_active: z.boolean(),
      }),
    ),
    inventory_location_id: gid("Location").nullable(),
    /** While false, nothing is pushed to the shop (stock is still booked). */
    inventory_push_enabled: z.boolean(),
  })
  .meta({ id: "Connection" });

export const statusSchema = z.object({
  connection: connectionSchema.nullable(),
  jobs: z.object(
    Object.fromEntries(jobTypes.map((type) => [type, jobSchema.nullable()])) as Record<
      JobType,
      z.ZodNullable<typeof jobSchema>
    >,
  ),
  mirror_counts: mirrorCountsSchema,
});

/** The API's form of a timestamp, as `Date#toISOString` writes it. */
const isoForm = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * A timestamp as a row (Date, or a string already in the API's form, see `jobRowTypes`) or a
 * JSON column (PostgreSQL's text) holds it, in the API's ISO form.
 */
const iso = (value: Date | string) => {
  if (typeof value === "string" && isoForm.test(value)) return value;
  return (value instanceof Date ? value : new Date(value)).toISOString();
};

const timestamptzOid = 1184;
const parseTimestamptz = pg.types.getTypeParser(timestamptzOid, "text");

/**
 * PostgreSQL's text of a `timestamptz` in the API's form, as `toISOString` of pg's Date would
 * write it (milliseconds cut, not rounded). A session in UTC writes `2026-12-06 13:16:56.123456+00`,
 * which only needs rearranging; any other text goes through a Date. A Date per timestamp was a
 * twenty-fifth of a page of jobs' server CPU in its profile, and their garbage.
 */
export function isoOfTimestamptz(text: string): string {
  const utc =
    text.endsWith("+00") &&
    text[4] === "-" &&
    text[10] === " " &&
    (text.length === 22 || text[19] === ".");
  if (!utc) return (parseTimestamptz(text) as Date).toISOString();
  const milliseconds = `${text.slice(20, -3)}000`.slice(0, 3);
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${milliseconds}Z`;
}

/** The type parsers of a query of jobColumns: timestamps straight to the API's form. */
export const jobRowTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === timestamptzOid && format !== "binary"
      ? isoOfTimestamptz
      : pg.types.getTypeParser(oid, format)) as CustomTypesConfig["getTypeParser"],
};
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

export const locationGid = (id: bigint | number | string) => `gid://shopify/Location/${id}`;

/**
 * A connection with its locations as one JSON value, for a query that names the organisation
 * `$1`: never a token, not even encrypted. `json`, not `jsonb`: it is only sent, and `jsonb`
 * would be built in its binary form and turned back into text.
 */
export const connectionJsonSql = `(
  SELECT json_build_object(
    'shop', c.shop, 'status', c.status, 'scopes', c.scopes, 'connected_at', c.connected_at,
    'inventory_location_id', c.inventory_location_id::text,
    'inventory_push_enabled', c.inventory_push_enabled,
    'locations', (
      SELECT coalesce(json_agg(json_build_object(
        'id', l.shopify_id::text, 'name', l.name, 'is_primary', l.is_primary,
        'is_active', l.is_active) ORDER BY l.shopify_id), '[]'::json)
      FROM shopify_locations l WHERE l.connection_id = c.id))
  FROM shopify_connections c WHERE c.organization_id = $1)`;

/** `connectionJsonSql`'s value: timestamps and bigints as JSON holds them (strings). */
type ConnectionJson = Columns<
  "shopify_connections",
  "shop" | "status" | "scopes" | "inventory_push_enabled"
> & {
  connected_at: string;
  inventory_location_id: string | null;
  locations: (Columns<"shopify_locations", "name" | "is_primary" | "is_active"> & { id: string })[];
};

export function connectionView(connection: ConnectionJson): z.input<typeof connectionSchema> {
  return {
    shop: connection.shop,
    status: connection.status as ConnectionStatus,
    scopes: connection.scopes.split(",").filter(Boolean),
    connected_at: iso(connection.connected_at),
    locations: connection.locations.map((location) => ({
      ...location,
      id: locationGid(location.id),
    })),
    inventory_location_id:
      connection.inventory_location_id === null
        ? null
        : locationGid(connection.inventory_location_id),
    inventory_push_enabled: connection.inventory_push_enabled,
  };
}

const jobColumnNames = [
  "id",
  "type",
  "status",
  "attempts",
  "max_attempts",
  "progress",
  "last_error",
  "created_at",
  "started_at",
  "finished_at",
  "rows_written",
] as const satisfies (keyof Row<"shopify_sync_jobs">)[];
type JobTimestamp = "created_at" | "started_at" | "finished_at";

/** The columns of a job that its view shows, as a row or a JSON value. */
export const jobColumns = jobColumnNames.join(", ");

/** A job as `jobColumns` selects it: a row, or a JSON value (timestamps as strings then). */
export type JobRow = Columns<
  "shopify_sync_jobs",
  Exclude<(typeof jobColumnNames)[number], JobTimestamp>,
  { progress: Record<string, string>; rows_written: Partial<Record<MirrorTable, number>> }
> & { [Column in JobTimestamp]: Row<"shopify_sync_jobs">[Column] | string };

export function jobView(job: JobRow): z.input<typeof jobSchema> {
  return {
    id: job.id,
    type: job.type as JobType,
    status: job.status as JobStatus,
    attempts: job.attempts,
    max_attempts: job.max_attempts,
    progress: job.progress,
    last_error: job.last_error,
    created_at: iso(job.created_at),
    started_at: isoOrNull(job.started_at),
    finished_at: isoOrNull(job.finished_at),
    rows_written: { ...noMirrorRows, ...job.rows_written },
  };
}

/** Zero rows in every mirror: spread under counts that name only some (built once, not per job). */
export const noMirrorRows: Readonly<Record<MirrorTable, number>> = Object.freeze(
  Object.fromEntries(mirrorTables.map((table) => [table, 0])) as Record<MirrorTable, number>,
);

/** The connection of organisation `$1` as `connectionView` shows it, or null. */
export async function readConnection(db: Queryable, organizationId: string) {
  const result = await db.query<{ connection: ConnectionJson | null }>(
    `SELECT ${connectionJsonSql} AS connection`,
    [organizationId],
  );
  const connection = result.rows[0]?.connection;
  return connection ? connectionView(connection) : null;
}
