/**
 * Resolvers for what plain record properties cannot answer: connections, arguments, computed
 * fields and lookups. Everything else is read from the record by the default resolver.
 */
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { primaryLocation } from "../commerce.ts";
import { gid, gidNum } from "../ids.ts";
import {
  type BulkOperationRecord,
  type CustomerRecord,
  cents,
  decimal,
  type FulfillmentLineItemRecord,
  type InventoryItemRecord,
  type InventoryLevelRecord,
  type LineItemRecord,
  type LocationRecord,
  moneyBag,
  type OrderRecord,
  type ProductRecord,
  quantityNames,
  quantityOf,
  type RefundRecord,
  type ReturnRecord,
  type ReverseFulfillmentOrderRecord,
  type VariantRecord,
} from "../records.ts";
import { levelKey } from "../store.ts";
import { type Connection, type ConnectionArgs, paginate, type SortKey } from "./connection.ts";
import type { RequestContext } from "./context.ts";
import {
  bulkOperationList,
  customerList,
  deletionEventList,
  inventoryItemList,
  type ListArgs,
  type ListSpec,
  listConnection,
  listCount,
  locationList,
  orderList,
  productList,
  variantList,
  webhookSubscriptionList,
} from "./lists.ts";
import { mutationResolvers } from "./mutations.ts";
import { findNode, findTyped, typeName } from "./nodes.ts";
import { requireScope } from "./scopes.ts";

export type Resolver<S = never, A = never> = (
  source: S,
  args: A,
  ctx: RequestContext,
  info: GraphQLResolveInfo,
) => unknown;
export type ResolverMap = Record<string, Record<string, Resolver>>;

const byNum = (item: { num: number }) => item.num;

/**
 * A connection over a record's own array, which is kept in id order (variants: in position
 * order too); bulk operations read all of it.
 */
function nested<T extends { num: number }>(
  items: T[],
  args: ConnectionArgs,
  ctx: RequestContext,
  key: SortKey<T> = byNum,
  inOrder = key === byNum,
): Connection<T> {
  if (ctx.bulk) return paginate(items, key, {});
  const sorted = inOrder
    ? items
    : items.slice().sort((a, b) => compare(key(a), key(b)) || a.num - b.num);
  return paginate(sorted, key, args);
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const list =
  <T extends { num: number }>(spec: ListSpec<T>): Resolver<unknown, ListArgs> =>
  (_source, args, ctx, info) =>
    listConnection(spec, args, ctx, info);

const count =
  <T extends { num: number }>(spec: ListSpec<T>): Resolver<unknown, { query?: string }> =>
  (_source, args, ctx, info) =>
    listCount(spec, args, ctx, info);

const byId =
  (type: string): Resolver<unknown, { id: string }> =>
  (_source, args, ctx) =>
    findTyped(ctx.shop, args.id, type);

function available(item: InventoryItemRecord): number {
  return item.inventoryLevels.reduce((sum, level) => sum + level.amounts.available, 0);
}

function nodeWithScope(ctx: RequestContext, info: GraphQLResolveInfo, id: string) {
  const node = findNode(ctx.shop, id);
  if (node) requireScope(ctx, info, typeName(node) ?? "");
  return node;
}

const byPosition = (v: VariantRecord) => v.position;
const variantSortKeys: Record<string, SortKey<VariantRecord>> = {
  POSITION: byPosition,
  ID: byNum,
  SKU: (v) => v.sku,
  TITLE: (v) => v.title,
  NAME: (v) => v.displayName,
  FULL_TITLE: (v) => v.displayName,
};

export const resolvers: ResolverMap = {
  QueryRoot: {
    shop: (_source: unknown, _args: unknown, ctx: RequestContext) => ctx.shop.shop,
    location: (_source: unknown, args: { id?: string | null }, ctx: RequestContext) =>
      args.id ? findTyped(ctx.shop, args.id, "Location") : primaryLocation(ctx.shop),
    locations: (
      _source: unknown,
      args: ListArgs & { includeInactive?: boolean },
      ctx: RequestContext,
      info: GraphQLResolveInfo,
    ) =>
      listConnection(
        locationList,
        args,
        ctx,
        info,
        args.includeInactive ? undefined : (l) => l.isActive,
      ),
    locationsCount: count(locationList),
    product: byId("Product"),
    products: list(productList),
    productsCount: count(productList),
    productVariant: byId("ProductVariant"),
    productVariants: list(variantList),
    productVariantsCount: count(variantList),
    inventoryItem: byId("InventoryItem"),
    inventoryItems: list(inventoryItemList),
    inventoryLevel: byId("InventoryLevel"),
    order: byId("Order"),
    orders: list(orderList),
    ordersCount: count(orderList),
    fulfillment: byId("Fulfillment"),
    customer: byId("Customer"),
    customers: list(customerList),
    customersCount: count(customerList),
    deletionEvents: (
      _source: unknown,
      args: ListArgs & { subjectTypes?: string[] | null },
      ctx: RequestContext,
      info: GraphQLResolveInfo,
    ) => {
      const types = args.subjectTypes;
      return listConnection(
        deletionEventList,
        args,
        ctx,
        info,
        types ? (e) => types.includes(e.subjectType) : undefined,
      );
    },
    node: (_source: unknown, args: { id: string }, ctx: RequestContext, info: GraphQLResolveInfo) =>
      nodeWithScope(ctx, info, args.id),
    nodes: (
      _source: unknown,
      args: { ids: string[] },
      ctx: RequestContext,
      info: GraphQLResolveInfo,
    ) => args.ids.map((id) => nodeWithScope(ctx, info, id)),
    bulkOperation: byId("BulkOperation"),
    // Newest first unless reversed, as Shopify lists them.
    bulkOperations: (
      _source: unknown,
      args: ListArgs,
      ctx: RequestContext,
      info: GraphQLResolveInfo,
    ) => listConnection(bulkOperationList, { ...args, reverse: !args.reverse }, ctx, info),
    webhookSubscriptions: (
      _source: unknown,
      args: ListArgs & { topics?: string[] | null; uri?: string | null },
      ctx: RequestContext,
      info: GraphQLResolveInfo,
    ) =>
      listConnection(
        webhookSubscriptionList,
        args,
        ctx,
        info,
        (w) => (!args.topics || args.topics.includes(w.topic)) && (!args.uri || w.uri === args.uri),
      ),
    currentBulkOperation: (
      _source: unknown,
      args: { type?: string | null },
      ctx: RequestContext,
    ) =>
      (args.type ?? "QUERY") === "QUERY" ? (ctx.shop.bulkOperations.items.at(-1) ?? null) : null,
  },
  Mutation: mutationResolvers,
  Product: {
    variants: (
      p: ProductRecord,
      args: ConnectionArgs & { sortKey?: string },
      ctx: RequestContext,
    ) => {
      const key = variantSortKeys[args.sortKey ?? "POSITION"];
      return nested(p.variants, args, ctx, key, key === byPosition || key === undefined);
    },
    variantsCount: (p: ProductRecord) => ({ count: p.variants.length, precision: "EXACT" }),
    totalInventory: (p: ProductRecord) =>
      p.variants.reduce((sum, v) => sum + available(v.inventoryItem), 0),
    priceRangeV2: (p: ProductRecord, _args: unknown, ctx: RequestContext) => {
      const prices = p.variants.map((v) => cents(v.price));
      const currency = ctx.shop.shop.currencyCode;
      const money = (value: number) => ({ amount: decimal(value), currencyCode: currency });
      return {
        minVariantPrice: money(prices.length ? Math.min(...prices) : 0),
        maxVariantPrice: money(prices.length ? Math.max(...prices) : 0),
      };
    },
    options: (p: ProductRecord) => {
      const first = p.variants[0]?.selectedOptions[0];
      if (!first) return [];
      return [
        {
          id: gid("ProductOption", p.num),
          name: first.name,
          position: 1,
          values: p.variants.map((v) => v.selectedOptions[0]?.value ?? ""),
        },
      ];
    },
    seo: () => ({ title: null, description: null }),
  },
  ProductVariant: {
    inventoryQuantity: (v: VariantRecord) => available(v.inventoryItem),
    sellableOnlineQuantity: (v: VariantRecord) => Math.max(0, available(v.inventoryItem)),
  },
  InventoryItem: {
    inventoryLevels: (item: InventoryItemRecord, args: ConnectionArgs, ctx: RequestContext) =>
      nested(item.inventoryLevels, args, ctx),
    inventoryLevel: (
      item: InventoryItemRecord,
      args: { locationId: string },
      ctx: RequestContext,
    ) =>
      ctx.shop.inventoryLevels.get(levelKey(item.num, gidNum(args.locationId, "Location") ?? -1)) ??
      null,
    variants: (item: InventoryItemRecord, args: ConnectionArgs, ctx: RequestContext) =>
      nested([item.variant], args, ctx),
    locationsCount: (item: InventoryItemRecord) => ({
      count: item.inventoryLevels.length,
      precision: "EXACT",
    }),
    duplicateSkuCount: () => 0,
    measurement: (item: InventoryItemRecord) => ({
      id: gid("InventoryItemMeasurement", item.num),
      weight: null,
    }),
    trackedEditable: () => ({ locked: false, reason: null }),
  },
  InventoryLevel: {
    quantities: (level: InventoryLevelRecord, args: { names: string[] }) =>
      args.names.map((name) => {
        if (!quantityNames.includes(name)) {
          throw new GraphQLError(`The quantity name '${name}' is not valid.`, {
            extensions: { code: "BAD_REQUEST" },
          });
        }
        return {
          id: `gid://shopify/InventoryQuantity/${level.num}?name=${name}`,
          name,
          quantity: quantityOf(level.amounts, name),
          updatedAt: level.updatedAt,
        };
      }),
  },
  Location: {
    inventoryLevels: (location: LocationRecord, args: ConnectionArgs, ctx: RequestContext) =>
      nested(location.inventoryLevels, args, ctx),
    inventoryLevel: (
      location: LocationRecord,
      args: { inventoryItemId: string },
      ctx: RequestContext,
    ) =>
      ctx.shop.inventoryLevels.get(
        levelKey(gidNum(args.inventoryItemId, "InventoryItem") ?? -1, location.num),
      ) ?? null,
  },
  Order: {
    lineItems: (order: OrderRecord, args: ConnectionArgs, ctx: RequestContext) =>
      nested(order.lineItems, args, ctx),
    refunds: (order: OrderRecord, args: { first?: number | null }) =>
      args.first == null ? order.refunds : order.refunds.slice(0, args.first),
    returns: (
      order: OrderRecord,
      args: ConnectionArgs,
      ctx: RequestContext,
      info: GraphQLResolveInfo,
    ) => {
      requireScope(ctx, info, "Return");
      return nested(order.returns, args, ctx);
    },
    returnStatus: (order: OrderRecord) =>
      order.returns.length === 0
        ? "NO_RETURN"
        : order.returns.every((r) => r.status === "CLOSED")
          ? "RETURNED"
          : "IN_PROGRESS",
    totalPrice: (order: OrderRecord) => order.totalPriceSet.shopMoney.amount,
    subtotalLineItemsQuantity: (order: OrderRecord) =>
      order.lineItems.reduce((sum, line) => sum + line.quantity, 0),
    currentSubtotalLineItemsQuantity: (order: OrderRecord) =>
      order.lineItems.reduce((sum, line) => sum + line.currentQuantity, 0),
    fulfillable: (order: OrderRecord) =>
      order.cancelledAt === null && order.lineItems.some((line) => line.unfulfilledQuantity > 0),
    fullyPaid: (order: OrderRecord) => order.cancelledAt === null,
    unpaid: () => false,
    refundable: (order: OrderRecord) => order.cancelledAt === null,
    fulfillmentsCount: (order: OrderRecord) => ({
      count: order.fulfillments.length,
      precision: "EXACT",
    }),
  },
  Refund: {
    refundLineItems: (refund: RefundRecord, args: ConnectionArgs, ctx: RequestContext) =>
      nested(refund.refundLineItems, args, ctx),
    return: (
      refund: RefundRecord,
      _args: unknown,
      ctx: RequestContext,
      info: GraphQLResolveInfo,
    ) => {
      if (refund.return) requireScope(ctx, info, "Return");
      return refund.return;
    },
  },
  Return: {
    refunds: (returned: ReturnRecord, args: ConnectionArgs, ctx: RequestContext) =>
      nested(returned.refunds, args, ctx),
    reverseFulfillmentOrders: (returned: ReturnRecord, args: ConnectionArgs, ctx: RequestContext) =>
      nested(returned.reverseFulfillmentOrders, args, ctx),
  },
  ReverseFulfillmentOrder: {
    lineItems: (rfo: ReverseFulfillmentOrderRecord, args: ConnectionArgs, ctx: RequestContext) =>
      nested(rfo.lineItems, args, ctx),
  },
  LineItem: {
    variant: (line: LineItemRecord) =>
      line.variant && !line.variant.deleted ? line.variant : null,
    product: (line: LineItemRecord) =>
      line.product && !line.product.deleted ? line.product : null,
    originalTotalSet: (line: LineItemRecord, _args: unknown, ctx: RequestContext) =>
      moneyBag(
        cents(line.originalUnitPriceSet.shopMoney.amount) * line.quantity,
        ctx.shop.shop.currencyCode,
      ),
    discountedTotalSet: (line: LineItemRecord, _args: unknown, ctx: RequestContext) =>
      moneyBag(
        cents(line.discountedUnitPriceSet.shopMoney.amount) * line.quantity,
        ctx.shop.shop.currencyCode,
      ),
    fulfillableQuantity: (line: LineItemRecord) => line.unfulfilledQuantity,
    refundableQuantity: (line: LineItemRecord) => line.currentQuantity,
    fulfillmentStatus: (line: LineItemRecord) =>
      line.unfulfilledQuantity === 0 ? "fulfilled" : "unfulfilled",
  },
  Fulfillment: {
    fulfillmentLineItems: (
      f: { fulfillmentLineItems: FulfillmentLineItemRecord[] },
      args: ConnectionArgs,
      ctx: RequestContext,
    ) => nested(f.fulfillmentLineItems, args, ctx),
  },
  FulfillmentLineItem: {
    originalTotalSet: (line: FulfillmentLineItemRecord, _args: unknown, ctx: RequestContext) =>
      moneyBag(
        cents(line.lineItem.originalUnitPriceSet.shopMoney.amount) * line.quantity,
        ctx.shop.shop.currencyCode,
      ),
    discountedTotalSet: (line: FulfillmentLineItemRecord, _args: unknown, ctx: RequestContext) =>
      moneyBag(
        cents(line.lineItem.discountedUnitPriceSet.shopMoney.amount) * line.quantity,
        ctx.shop.shop.currencyCode,
      ),
  },
  Customer: {
    numberOfOrders: (c: CustomerRecord) => String(c.orders.length),
    amountSpent: (c: CustomerRecord, _args: unknown, ctx: RequestContext) => ({
      amount: decimal(
        c.orders.reduce((sum, o) => sum + cents(o.currentTotalPriceSet.shopMoney.amount), 0),
      ),
      currencyCode: ctx.shop.shop.currencyCode,
    }),
    orders: (c: CustomerRecord, args: ConnectionArgs, ctx: RequestContext) =>
      nested(c.orders, args, ctx),
    lastOrder: (c: CustomerRecord) => c.orders.at(-1) ?? null,
    canDelete: (c: CustomerRecord) => c.orders.length === 0,
    lifetimeDuration: (c: CustomerRecord, _args: unknown, ctx: RequestContext) => {
      const days = Math.floor((ctx.sim.clock.now() - Date.parse(c.createdAt)) / 86_400_000);
      return days < 31
        ? `${days} days`
        : days < 365
          ? `about ${Math.round(days / 30)} months`
          : `about ${Math.round(days / 365)} years`;
    },
    defaultEmailAddress: (c: CustomerRecord) =>
      c.email
        ? {
            emailAddress: c.email,
            marketingState: "NOT_SUBSCRIBED",
            marketingOptInLevel: null,
            marketingUpdatedAt: null,
            openTrackingLevel: "UNKNOWN",
            openTrackingUrl: `https://example.com/open/${c.num}`,
            marketingUnsubscribeUrl: `https://example.com/unsubscribe/${c.num}`,
            sourceLocation: null,
            validFormat: true,
          }
        : null,
  },
  InventoryAdjustmentGroup: {
    changes: (
      group: { changes: { name: string; item: { id: string }; location: { id: string } }[] },
      args: {
        inventoryItemIds?: string[] | null;
        locationIds?: string[] | null;
        quantityNames?: string[] | null;
      },
    ) =>
      group.changes.filter(
        (change) =>
          (!args.inventoryItemIds || args.inventoryItemIds.includes(change.item.id)) &&
          (!args.locationIds || args.locationIds.includes(change.location.id)) &&
          (!args.quantityNames || args.quantityNames.includes(change.name)),
      ),
  },
  BulkOperation: {
    // Result links expire after seven days, as Shopify's do.
    url: (op: BulkOperationRecord, _args: unknown, ctx: RequestContext) =>
      ctx.sim.bulk.liveUrl(op, op.url),
    partialDataUrl: (op: BulkOperationRecord, _args: unknown, ctx: RequestContext) =>
      ctx.sim.bulk.liveUrl(op, op.partialDataUrl),
  },
};
