import { jobTypes, mirrorTables } from "@roestify/db";
import { answer } from "../answer.ts";
import { protectedProcedure } from "../trpc.ts";
import {
  connectionJsonSql,
  connectionView,
  type JobRow,
  jobColumns,
  jobView,
  noMirrorRows,
  statusSchema,
} from "./views.ts";

// One statement: the connection with its locations, the latest job of each type (index on
// organization_id, type, created_at) and the maintained mirror counts, whatever the shop's size;
// as `json` values (see connectionJsonSql). Types and mirrors are the code's own constants, so
// they are written into the statement rather than sent (and parsed as an array) each time.
const statusSql = `SELECT ${connectionJsonSql} AS connection,
  ${jobTypes
    .map(
      (type) => `(SELECT to_json(j) FROM (SELECT ${jobColumns} FROM shopify_sync_jobs
         WHERE organization_id = $1 AND type = '${type}' ORDER BY created_at DESC LIMIT 1) j) AS ${type}`,
    )
    .join(",\n  ")},
  (SELECT json_object_agg(m.mirror, m.rows) FROM shopify_mirror_counts m
   JOIN shopify_connections c ON c.id = m.connection_id
   WHERE c.organization_id = $1 AND m.mirror IN (${mirrorTables.map((table) => `'${table}'`).join(", ")})) AS mirror_counts`;

/** The organisation's connection, the latest job of each type and the size of each mirror. */
export const status = protectedProcedure
  .meta({
    rest: {
      method: "GET",
      path: "/api/v1/shopify/status",
      summary: "Verbindung, letzte Jobs und Spiegel-Zeilen",
    },
  })
  .output(answer(statusSchema))
  .query(async ({ ctx }) => {
    // Prepared once per pooled connection: planning it would cost more than running it.
    const result = await ctx.db.pool.query({
      name: "shopify.status",
      text: statusSql,
      values: [ctx.user.organizationId],
    });
    const row = result.rows[0];
    const job = (type: string) => (row[type] ? jobView(row[type] as JobRow) : null);
    return {
      connection: row.connection ? connectionView(row.connection) : null,
      jobs: {
        full_sync: job("full_sync"),
        incremental_sync: job("incremental_sync"),
        inventory_push: job("inventory_push"),
      },
      mirror_counts: { ...noMirrorRows, ...row.mirror_counts },
    };
  });
