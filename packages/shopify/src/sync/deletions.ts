import type { Columns } from "@roestify/db";
import { productDeletionsQuery, variantIdsQuery } from "../documents/index.ts";
import { gidNumber } from "../shop-domain.ts";
import { deleteProducts, deleteVariantsExcept } from "./mirror-writers.ts";
import { type Page, pages } from "./pages.ts";
import { changedSince, type SyncRun, saveCursor } from "./sync-run.ts";

interface DeletionEvent {
  subjectId: string;
  occurredAt: string;
}

// Products per variant lookup: the search string stays short and a page of 250 mostly suffices.
const productsPerLookup = 50;

/** Removes the products Shopify reports deleted since the cursor (`deletionEvents`). */
export async function syncProductDeletions(run: SyncRun): Promise<void> {
  const query = await changedSince(run, "occurred_at", "product_deletions");
  let newest: string | null = null;
  const pick = (data: Record<string, unknown>) => data.deletionEvents as Page<DeletionEvent>;
  const events = pages(run.client, productDeletionsQuery, { query }, pick);
  for await (const page of events) {
    await deleteProducts(
      run.db.pool,
      run.connectionId,
      page.map((event) => gidNumber(event.subjectId)),
    );
    for (const event of page) {
      if (!newest || Date.parse(event.occurredAt) > Date.parse(newest)) newest = event.occurredAt;
    }
  }
  if (newest) await saveCursor(run.db.pool, run.connectionId, "product_deletions", newest);
}

/**
 * A deleted variant has no deletion event, but it changes its product: for every product this
 * run wrote (synced since `since`) whose variant count in Shopify differs from the mirror's, the
 * variants Shopify no longer lists are removed. (The run has already written the new and changed
 * variants, so a deletion always leaves the mirror with more variants than Shopify counts.)
 */
export async function pruneDeletedVariants(run: SyncRun, since: string): Promise<void> {
  const changed = await run.db.pool.query<Columns<"shopify_products", "shopify_id">>(
    `SELECT p.shopify_id FROM shopify_products p
     WHERE p.connection_id = $1 AND p.synced_at >= $2::timestamptz
       AND (p.raw->'variantsCount'->>'count')::int IS DISTINCT FROM (
         SELECT count(*) FROM shopify_product_variants v
         WHERE v.connection_id = $1 AND v.product_id = p.shopify_id)`,
    [run.connectionId, since],
  );
  const productIds = changed.rows.map((row) => row.shopify_id);
  for (let start = 0; start < productIds.length; start += productsPerLookup) {
    const chunk = productIds.slice(start, start + productsPerLookup);
    const query = chunk.map((id) => `product_id:${id}`).join(" OR ");
    const existing: string[] = [];
    const pick = (data: Record<string, unknown>) => data.productVariants as Page<{ id: string }>;
    const variants = pages(run.client, variantIdsQuery, { query }, pick);
    for await (const page of variants)
      existing.push(...page.map((variant) => gidNumber(variant.id)));
    await deleteVariantsExcept(run.db.pool, run.connectionId, chunk, existing);
  }
}
