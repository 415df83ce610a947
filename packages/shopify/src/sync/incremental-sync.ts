import type { AdminClient } from "../admin-client.ts";
import {
  customersBulkQuery,
  customersChangedCountQuery,
  customersChangedQuery,
  inventoryItemsChangedQuery,
  orderLineItemsQuery,
  ordersBulkQuery,
  ordersChangedCountQuery,
  ordersChangedQuery,
  productsBulkQuery,
  productsChangedCountQuery,
  productsChangedQuery,
  variantsChangedQuery,
} from "../documents/index.ts";
import { type BulkQueryState, importBulkQuery } from "./bulk-import.ts";
import { pruneDeletedVariants, syncProductDeletions } from "./deletions.ts";
import { emitMirrorRows, type Row, type RowTarget, type ShopifyNode } from "./mirror-rows.ts";
import { upsertMirrorRows } from "./mirror-writers.ts";
import { type Page, pages } from "./pages.ts";
import { withSearchFilter } from "./search-filter.ts";
import { changedSince, type SyncRun, saveCursor } from "./sync-run.ts";

/**
 * What an incremental sync reads by `updated_at`, in this order; `cursor` names its cursor. Feeds
 * with `bulk` count their changes first and read a large change set by bulk operation.
 */
const changeFeeds = [
  {
    cursor: "products",
    document: productsChangedQuery,
    root: "products",
    bulk: { count: productsChangedCountQuery, query: productsBulkQuery },
  },
  { cursor: "product_variants", document: variantsChangedQuery, root: "productVariants" },
  {
    cursor: "orders",
    document: ordersChangedQuery,
    root: "orders",
    bulk: { count: ordersChangedCountQuery, query: ordersBulkQuery },
  },
  {
    cursor: "customers",
    document: customersChangedQuery,
    root: "customers",
    bulk: { count: customersChangedCountQuery, query: customersBulkQuery },
  },
  { cursor: "inventory_levels", document: inventoryItemsChangedQuery, root: "inventoryItems" },
] as const;

type ChangeFeed = (typeof changeFeeds)[number];

/**
 * Reads what changed since each cursor (minus the overlap window), upserts it idempotently and
 * moves a cursor only after its rows are committed; then removes what Shopify deleted: products
 * (deletion events) and variants of the products this run read.
 */
export async function runIncrementalSync(run: SyncRun): Promise<void> {
  const started = await run.db.pool.query<{ now: string }>("SELECT now()::text AS now");
  for (const feed of changeFeeds) await syncChanges(run, feed);
  await syncProductDeletions(run);
  await pruneDeletedVariants(run, started.rows[0]?.now as string);
  await run.complete(async () => {});
}

/** Only the orders that changed: what an inventory push reads when Shopify's stock moved. */
export function syncOrderChanges(run: SyncRun): Promise<void> {
  const orders = changeFeeds.find((feed) => feed.cursor === "orders") as ChangeFeed;
  return syncChanges(run, orders);
}

async function syncChanges(run: SyncRun, feed: ChangeFeed): Promise<void> {
  await run.progress(feed.cursor, "reading");
  const query = await changedSince(run, "updated_at", feed.cursor);
  if ("bulk" in feed) {
    const count = await changeCount(run, feed.bulk.count, query);
    if (count >= run.settings.bulkChangeThreshold) {
      return syncChangesInBulk(run, feed.cursor, feed.bulk.query, query);
    }
    // Nothing changed: a page would still ask the bucket for its full requested cost.
    if (count === 0) return run.progress(feed.cursor, "done");
  }
  let newest: string | null = null;
  const pick = (data: Record<string, unknown>) => data[feed.root] as Page<ShopifyNode>;
  const changes = pages(run.client, feed.document, { query }, pick);
  // A page at a time: its rows are committed before the next page is asked for.
  for await (const nodes of changes) {
    run.signal.throwIfAborted();
    const rows = new Map<RowTarget, Row[]>();
    for (const node of nodes) {
      if (feed.root === "orders") await readAllLineItems(run.client, node);
      emitMirrorRows(node, (target, row) => {
        const list = rows.get(target);
        if (list) list.push(row);
        else rows.set(target, [row]);
      });
      const updatedAt = node.updatedAt as string;
      if (!newest || Date.parse(updatedAt) > Date.parse(newest)) newest = updatedAt;
    }
    await writePageRows(run, rows);
  }
  if (newest) await saveCursor(run.db.pool, run.connectionId, feed.cursor, newest);
  await run.progress(feed.cursor, "done");
}

/**
 * Writes a page's rows, one upsert per mirror table. A page's orders carry their line items; line
 * items as rows of their own come only from bulk files.
 */
async function writePageRows(run: SyncRun, rows: Map<RowTarget, Row[]>): Promise<void> {
  await run.write(async (tx) => {
    for (const [target, tableRows] of rows) {
      if (target === "order_line_items") continue;
      await upsertMirrorRows(tx, run.connectionId, target, tableRows);
    }
  });
  for (const [target, tableRows] of rows) {
    if (target !== "order_line_items") run.wrote(target, tableRows.length);
  }
}

async function changeCount(run: SyncRun, document: string, query: string | null) {
  const data = await run.client.request<Record<string, { count: number }>>(document, { query });
  return Object.values(data)[0]?.count ?? 0;
}

/** A large change set: one bulk operation with the same filter instead of many pages. */
async function syncChangesInBulk(
  run: SyncRun,
  cursor: string,
  bulkQuery: string,
  query: string | null,
): Promise<void> {
  const state = run.state as { bulk?: Record<string, BulkQueryState> };
  const bulk = state.bulk ?? {};
  state.bulk = bulk;
  const entry = bulk[cursor] ?? { id: null };
  bulk[cursor] = entry;
  await importBulkQuery(run, cursor, query ? withSearchFilter(bulkQuery, query) : bulkQuery, entry);
  await saveCursor(run.db.pool, run.connectionId, cursor, entry.createdAt as string);
  await run.progress(cursor, "done");
}

/** An order with more line items than the first page holds gets the rest from `order(id:)`. */
async function readAllLineItems(client: AdminClient, order: ShopifyNode): Promise<void> {
  const lineItems = order.lineItems as Page<ShopifyNode>;
  if (!lineItems.pageInfo.hasNextPage) return;
  const rest = pages<ShopifyNode>(
    client,
    orderLineItemsQuery,
    { id: order.id, after: lineItems.pageInfo.endCursor },
    (data) => (data.order as { lineItems: Page<ShopifyNode> }).lineItems,
  );
  for await (const nodes of rest) lineItems.nodes.push(...nodes);
}
