/**
 * The searchable, sortable top-level lists (`products`, `orders`, …): which sort keys and search
 * fields each supports, and how a page or, for bulk operations, every match is selected.
 */
import { GraphQLError, type GraphQLResolveInfo, responsePathAsArray } from "graphql";
import type {
  BulkOperationRecord,
  CustomerRecord,
  DeletionEventRecord,
  InventoryItemRecord,
  LocationRecord,
  OrderRecord,
  ProductRecord,
  VariantRecord,
} from "../records.ts";
import { type CompiledSearch, compileSearch, type SearchFields } from "../search.ts";
import type { Collection, ShopState } from "../store.ts";
import type { WebhookSubscriptionRecord } from "../webhooks.ts";
import { type Connection, type ConnectionArgs, paginate, type SortKey } from "./connection.ts";
import type { RequestContext } from "./context.ts";

export interface ListSpec<T extends { num: number }> {
  name: string;
  collection: (shop: ShopState) => Collection<T>;
  sortKeys: Record<string, SortKey<T>>;
  defaultSortKey: string;
  search: SearchFields<T>;
}

export interface ListArgs extends ConnectionArgs {
  query?: string | null;
  sortKey?: string | null;
}

const byNum = (item: { num: number }) => item.num;
const created = (item: { createdAt: string }) => item.createdAt;
const updated = (item: { updatedAt: string }) => item.updatedAt;

const common = {
  id: { kind: "number", get: byNum },
  created_at: { kind: "date", get: created },
  updated_at: { kind: "date", get: updated },
} as const;

export const productList: ListSpec<ProductRecord> = {
  name: "products",
  collection: (shop) => shop.products,
  sortKeys: {
    ID: byNum,
    RELEVANCE: byNum,
    CREATED_AT: created,
    UPDATED_AT: updated,
    TITLE: (p) => p.title,
    VENDOR: (p) => p.vendor,
    PRODUCT_TYPE: (p) => p.productType,
    PUBLISHED_AT: (p) => p.publishedAt ?? "",
  },
  defaultSortKey: "ID",
  search: {
    text: (p) => p.title,
    fields: {
      ...common,
      title: { kind: "text", get: (p) => p.title },
      handle: { kind: "keyword", get: (p) => p.handle },
      status: { kind: "keyword", get: (p) => p.status },
      vendor: { kind: "keyword", get: (p) => p.vendor },
      product_type: { kind: "keyword", get: (p) => p.productType },
      tag: { kind: "keyword", get: (p) => p.tags },
      sku: { kind: "keyword", get: (p) => p.variants.map((v) => v.sku) },
      published_at: { kind: "date", get: (p) => p.publishedAt },
    },
  },
};

export const variantList: ListSpec<VariantRecord> = {
  name: "productVariants",
  collection: (shop) => shop.variants,
  sortKeys: {
    ID: byNum,
    RELEVANCE: byNum,
    SKU: (v) => v.sku,
    TITLE: (v) => v.title,
    NAME: (v) => v.displayName,
    FULL_TITLE: (v) => v.displayName,
    POSITION: (v) => v.position,
  },
  defaultSortKey: "ID",
  search: {
    text: (v) => `${v.displayName} ${v.sku}`,
    fields: {
      ...common,
      sku: { kind: "keyword", get: (v) => v.sku },
      barcode: { kind: "keyword", get: (v) => v.barcode },
      title: { kind: "text", get: (v) => v.title },
      product_id: { kind: "number", get: (v) => v.product.num },
      product_status: { kind: "keyword", get: (v) => v.product.status },
    },
  },
};

export const inventoryItemList: ListSpec<InventoryItemRecord> = {
  name: "inventoryItems",
  collection: (shop) => shop.inventoryItems,
  sortKeys: { ID: byNum },
  defaultSortKey: "ID",
  search: {
    text: (i) => i.sku,
    fields: { ...common, sku: { kind: "keyword", get: (i) => i.sku } },
  },
};

export const locationList: ListSpec<LocationRecord> = {
  name: "locations",
  collection: (shop) => shop.locations,
  sortKeys: { ID: byNum, RELEVANCE: byNum, NAME: (l) => l.name },
  defaultSortKey: "NAME",
  search: {
    text: (l) => l.name,
    fields: {
      ...common,
      name: { kind: "text", get: (l) => l.name },
      active: { kind: "keyword", get: (l) => String(l.isActive) },
    },
  },
};

/** Shopify's `status:` on orders: open, closed (archived), cancelled, not_closed, any. */
function orderStatus(order: OrderRecord, value: string): boolean {
  switch (value) {
    case "open":
    case "not_closed":
      return !order.closed;
    case "closed":
      return order.closed;
    case "cancelled":
      return order.cancelledAt !== null;
    case "any":
      return true;
    default:
      return false;
  }
}

function orderFulfillment(order: OrderRecord, value: string): boolean {
  const shipped = order.displayFulfillmentStatus === "FULFILLED";
  switch (value) {
    case "shipped":
    case "fulfilled":
      return shipped;
    case "unshipped":
    case "unfulfilled":
      return !shipped;
    case "any":
      return true;
    default:
      return false;
  }
}

export const orderList: ListSpec<OrderRecord> = {
  name: "orders",
  collection: (shop) => shop.orders,
  sortKeys: {
    ID: byNum,
    RELEVANCE: byNum,
    CREATED_AT: created,
    UPDATED_AT: updated,
    PROCESSED_AT: (o) => o.processedAt,
    ORDER_NUMBER: (o) => o.number,
    TOTAL_PRICE: (o) => Number(o.totalPriceSet.shopMoney.amount),
    CUSTOMER_NAME: (o) => o.customer?.displayName ?? "",
  },
  defaultSortKey: "PROCESSED_AT",
  search: {
    text: (o) => `${o.name} ${o.email ?? ""}`,
    fields: {
      ...common,
      processed_at: { kind: "date", get: (o) => o.processedAt },
      name: { kind: "match", test: (o, v) => o.name === v || o.name === `#${v}` },
      email: { kind: "keyword", get: (o) => o.email },
      customer_id: { kind: "number", get: (o) => o.customer?.num ?? 0 },
      sku: { kind: "keyword", get: (o) => o.lineItems.map((l) => l.sku) },
      status: { kind: "match", test: orderStatus },
      fulfillment_status: { kind: "match", test: orderFulfillment },
      financial_status: { kind: "keyword", get: (o) => o.displayFinancialStatus },
      tag: { kind: "keyword", get: (o) => o.tags },
    },
  },
};

export const customerList: ListSpec<CustomerRecord> = {
  name: "customers",
  collection: (shop) => shop.customers,
  sortKeys: {
    ID: byNum,
    RELEVANCE: byNum,
    CREATED_AT: created,
    UPDATED_AT: updated,
    NAME: (c) => c.displayName,
  },
  defaultSortKey: "ID",
  search: {
    text: (c) => `${c.displayName} ${c.email ?? ""}`,
    fields: {
      ...common,
      email: { kind: "keyword", get: (c) => c.email },
      first_name: { kind: "text", get: (c) => c.firstName },
      last_name: { kind: "text", get: (c) => c.lastName },
      state: { kind: "keyword", get: (c) => c.state },
      tag: { kind: "keyword", get: (c) => c.tags },
      orders_count: { kind: "number", get: (c) => c.orders.length },
    },
  },
};

export const deletionEventList: ListSpec<DeletionEventRecord> = {
  name: "deletionEvents",
  collection: (shop) => shop.deletionEvents,
  sortKeys: { ID: byNum, CREATED_AT: (e) => e.occurredAt },
  defaultSortKey: "ID",
  search: {
    text: (e) => e.subjectId,
    fields: {
      id: { kind: "number", get: byNum },
      occurred_at: { kind: "date", get: (e) => e.occurredAt },
      created_at: { kind: "date", get: (e) => e.occurredAt },
      subject_type: { kind: "keyword", get: (e) => e.subjectType },
    },
  },
};

export const bulkOperationList: ListSpec<BulkOperationRecord> = {
  name: "bulkOperations",
  collection: (shop) => shop.bulkOperations,
  sortKeys: { CREATED_AT: created, COMPLETED_AT: (b) => b.completedAt ?? "" },
  defaultSortKey: "CREATED_AT",
  search: {
    text: (b) => b.query,
    fields: {
      created_at: { kind: "date", get: created },
      status: { kind: "keyword", get: (b) => b.status },
      operation_type: { kind: "keyword", get: (b) => b.type },
    },
  },
};

export const webhookSubscriptionList: ListSpec<WebhookSubscriptionRecord> = {
  name: "webhookSubscriptions",
  collection: (shop) => shop.webhookSubscriptions,
  sortKeys: { ID: byNum, CREATED_AT: created },
  defaultSortKey: "CREATED_AT",
  search: { text: (w) => w.uri, fields: common },
};

const compiled = new Map<string, CompiledSearch<never>>();

/** Compiled once per list and query text. */
function search<T extends { num: number }>(spec: ListSpec<T>, query: string): CompiledSearch<T> {
  const cacheKey = `${spec.name}\n${query}`;
  const cached = compiled.get(cacheKey) as CompiledSearch<T> | undefined;
  if (cached) return cached;
  const result = compileSearch(query, spec.search);
  if (compiled.size >= 1000) compiled.delete(compiled.keys().next().value as string);
  compiled.set(cacheKey, result as CompiledSearch<never>);
  return result;
}

function prepare<T extends { num: number }>(
  spec: ListSpec<T>,
  args: ListArgs,
  ctx: RequestContext,
  info: GraphQLResolveInfo,
  filter?: (item: T) => boolean,
) {
  const sortKeyName = args.sortKey ?? spec.defaultSortKey;
  const key = spec.sortKeys[sortKeyName];
  if (!key) {
    throw new GraphQLError(
      `The simulator does not support sortKey ${sortKeyName} on ${spec.name}.`,
      {
        extensions: { code: "BAD_REQUEST" },
      },
    );
  }
  const collection = spec.collection(ctx.shop);
  const sorted = key === byNum ? collection.items : collection.sortedBy(sortKeyName, key);
  let matches = filter;
  if (args.query) {
    const compiledSearch = search(spec, args.query);
    if (compiledSearch.warnings.length > 0) {
      ctx.search.push({
        path: responsePathAsArray(info.path),
        query: args.query,
        warnings: compiledSearch.warnings,
      });
    }
    matches = filter
      ? (item) => filter(item) && compiledSearch.matches(item)
      : compiledSearch.matches;
  }
  return { sorted, key, matches };
}

/** A page of a top-level list, or in a bulk run the current chunk of all matches. */
export function listConnection<T extends { num: number }>(
  spec: ListSpec<T>,
  args: ListArgs,
  ctx: RequestContext,
  info: GraphQLResolveInfo,
  filter?: (item: T) => boolean,
): Connection<T> {
  const { sorted, key, matches } = prepare(spec, args, ctx, info, filter);
  const bulk = ctx.bulk;
  if (!bulk) return paginate(sorted, key, args, matches);
  if (!bulk.roots) {
    const ordered = args.reverse ? sorted.slice().reverse() : sorted;
    bulk.roots = matches ? ordered.filter(matches) : ordered.slice();
  }
  const chunk = (bulk.roots as T[]).slice(bulk.offset, bulk.offset + bulk.size);
  return paginate(chunk, () => 0, {});
}

export function listCount<T extends { num: number }>(
  spec: ListSpec<T>,
  args: { query?: string | null; limit?: number | null },
  ctx: RequestContext,
  info: GraphQLResolveInfo,
): { count: number; precision: "EXACT" | "AT_LEAST" } {
  const { sorted, matches } = prepare(spec, args, ctx, info);
  const total = matches ? sorted.filter(matches).length : sorted.length;
  const limit = args.limit === undefined ? 10_000 : args.limit;
  return limit !== null && total > limit
    ? { count: limit, precision: "AT_LEAST" }
    : { count: total, precision: "EXACT" };
}
