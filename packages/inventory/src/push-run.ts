import { type SyncRun, syncOrderChanges } from "@roestify/shopify";
import { applyShopifyToLedger } from "./ledger.ts";
import { pushInventory } from "./push.ts";
import { mirrorRestockSources } from "./restock-sources.ts";

/**
 * The `inventory_push` job: Roestify's stock to Shopify. When Shopify's quantity moved since the
 * last read (a stale compare), the orders changed meanwhile (sales, refunds, edits) are read and
 * booked first, so a sale or a restock is never overwritten.
 */
export async function runInventoryPush(run: SyncRun): Promise<void> {
  const result = await pushInventory(run.db.pool, run.client, run.connectionId, async () => {
    await syncOrderChanges(run);
    await mirrorRestockSources(run.db.pool, run.client, run.connectionId);
    await applyShopifyToLedger(run.db.pool, run.connectionId);
  });
  await run.progress("inventory_push", `${result.pushed} pushed, ${result.conflicts} conflicts`);
  await run.complete(async () => {});
}
