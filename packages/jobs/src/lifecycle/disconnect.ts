import type { Queryable } from "@roestify/db";
import { unmapSkus } from "@roestify/inventory";
import { markDisconnected, purgeConnection } from "@roestify/shopify";
import { cancelJobs } from "../cancel.ts";

/**
 * What `app/uninstalled` and a disconnect do: the connection becomes `disconnected` without
 * tokens, and its queued and running jobs end `cancelled`, in the caller's transaction.
 */
export async function endConnection(db: Queryable, connectionId: string): Promise<void> {
  await markDisconnected(db, connectionId);
  await cancelJobs(db, { connectionId });
}

/**
 * What shop/redact and a disconnect with purge do: everything kept for the shop goes, up to
 * `until` (`purgeConnection`); Roestify's SKUs and movements stay, unmapped.
 */
export async function purgeShop(db: Queryable, connectionId: string, until: Date): Promise<void> {
  const organizationId = await purgeConnection(db, connectionId, until);
  if (organizationId) await unmapSkus(db, organizationId);
}
