import type { Queryable } from "@roestify/db";
import type { AdminClient } from "@roestify/shopify";
import { mirrorRefunds } from "./refunds.ts";
import { mirrorReturns } from "./returns.ts";

/**
 * What the stock ledger needs beyond the order mirrors, read for the orders it is to book: the
 * refunds (what they restocked) and the returns (what their dispositions restocked). Every way an
 * order comes in (full sync, incremental sync, a webhook's sync, a push's catch-up) ends here.
 */
export async function mirrorRestockSources(
  db: Queryable,
  client: AdminClient,
  connectionId: string,
): Promise<void> {
  await mirrorRefunds(db, client, connectionId);
  await mirrorReturns(db, client, connectionId);
}
