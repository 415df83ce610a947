import { type Queryable, typed } from "@roestify/db";
import { ApiError } from "../errors.ts";

/**
 * The organisation's active connection, locked for the rest of the caller's transaction so that
 * concurrent requests of one organisation (quota, dedupe) are decided one after the other.
 */
export async function lockActiveConnection(db: Queryable, organizationId: string) {
  const connection = await typed(db)
    .selectFrom("shopify_connections")
    .select("id")
    .where("organization_id", "=", organizationId)
    .where("status", "=", "active")
    .forUpdate()
    .executeTakeFirst();
  if (!connection) throw new ApiError("shopify_not_connected");
  return connection;
}
