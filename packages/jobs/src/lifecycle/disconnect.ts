import type { Queryable } from "@roestify/db";
import { markDisconnected } from "@roestify/shopify";
import { cancelJobs } from "../cancel.ts";

/**
 * What `app/uninstalled` and a disconnect do: the connection becomes `disconnected` without
 * tokens, and its queued and running jobs end `cancelled`, in the caller's transaction.
 */
export async function endConnection(db: Queryable, connectionId: string): Promise<void> {
  await markDisconnected(db, connectionId);
  await cancelJobs(db, { connectionId });
}
