import type { Queryable } from "@roestify/db";
import { ApiError } from "../errors.ts";

/**
 * The organisation's active connection, locked for the rest of the caller's transaction so that
 * concurrent requests of one organisation (quota, dedupe) are decided one after the other.
 */
export async function lockActiveConnection(db: Queryable, organizationId: string) {
  const result = await db.query<{ id: string }>(
    "SELECT id FROM shopify_connections WHERE organization_id = $1 AND status = 'active' FOR UPDATE",
    [organizationId],
  );
  const connection = result.rows[0];
  if (!connection) throw new ApiError("shopify_not_connected");
  return connection;
}
