import type { Clock } from "./clock.ts";
import { Faults } from "./faults.ts";
import { gid } from "./ids.ts";
import type {
  BulkOperationRecord,
  CustomerRecord,
  DeletionEventRecord,
  FulfillmentRecord,
  InventoryItemRecord,
  InventoryLevelRecord,
  LocationRecord,
  OrderRecord,
  ProductRecord,
  RefundRecord,
  ReturnRecord,
  ReverseFulfillmentOrderRecord,
  ShopRecord,
  VariantRecord,
} from "./records.ts";
import { LeakyBucket } from "./throttle.ts";
import type { WebhookSubscriptionRecord } from "./webhooks.ts";

/**
 * Records of one type, in ascending id order, with sorted views cached until the next change.
 * Every change that can move a record in a sort (a new `updatedAt`, a new title) must call
 * `changed()`; `touch` does it for `updatedAt`.
 */
export class Collection<T extends { num: number }> {
  readonly items: T[] = [];
  readonly #byNum = new Map<number, T>();
  #version = 0;
  readonly #sorted = new Map<string, { version: number; items: T[] }>();

  get size(): number {
    return this.items.length;
  }

  get(num: number): T | undefined {
    return this.#byNum.get(num);
  }

  add(item: T): T {
    const last = this.items[this.items.length - 1];
    if (!last || last.num < item.num) this.items.push(item);
    else this.items.splice(lowerBound(this.items, item.num), 0, item);
    this.#byNum.set(item.num, item);
    this.changed();
    return item;
  }

  remove(num: number): T | undefined {
    const item = this.#byNum.get(num);
    if (!item) return undefined;
    this.items.splice(lowerBound(this.items, num), 1);
    this.#byNum.delete(num);
    this.changed();
    return item;
  }

  changed(): void {
    this.#version++;
  }

  /** The records ordered by `key`, ties by id; `name` identifies the key in the cache. */
  sortedBy(name: string, key: (item: T) => string | number): T[] {
    const cached = this.#sorted.get(name);
    if (cached?.version === this.#version) return cached.items;
    const items = this.items.slice().sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return ka < kb ? -1 : ka > kb ? 1 : a.num - b.num;
    });
    this.#sorted.set(name, { version: this.#version, items });
    return items;
  }
}

function lowerBound(items: readonly { num: number }[], num: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((items[mid] as { num: number }).num < num) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Plans and their GraphQL rate limits (points restored per second, bucket size). */
export const plans = {
  basic: { publicDisplayName: "Basic", restoreRate: 100, maximumAvailable: 2000 },
  grow: { publicDisplayName: "Grow", restoreRate: 100, maximumAvailable: 2000 },
  advanced: { publicDisplayName: "Advanced", restoreRate: 200, maximumAvailable: 4000 },
  plus: { publicDisplayName: "Shopify Plus", restoreRate: 1000, maximumAvailable: 20000 },
  enterprise: { publicDisplayName: "Enterprise", restoreRate: 2000, maximumAvailable: 40000 },
  development: { publicDisplayName: "Development", restoreRate: 100, maximumAvailable: 2000 },
} as const;
export type PlanName = keyof typeof plans;

/** Realistic magnitudes for each type's numeric ids. */
const idBases = {
  Product: 8_540_000_000_000,
  ProductVariant: 45_120_000_000_000,
  InventoryItem: 47_230_000_000_000,
  Location: 71_420_000_000,
  Order: 6_210_000_000_000,
  LineItem: 15_840_000_000_000,
  Fulfillment: 5_430_000_000_000,
  Customer: 7_650_000_000_000,
  InventoryAdjustmentGroup: 31_770_000_000,
  FulfillmentLineItem: 12_960_000_000_000,
  Refund: 9_870_000_000_000,
  RefundLineItem: 4_650_000_000_000,
  Return: 3_920_000_000,
  ReverseFulfillmentOrder: 2_710_000_000,
  ReverseFulfillmentOrderLineItem: 1_840_000_000,
  ReverseFulfillmentOrderDisposition: 970_000_000,
  InventoryLevel: 0,
  DeletionEvent: 0,
  WebhookSubscription: 1_530_000_000,
} as const;
export type IdType = keyof typeof idBases;

export interface IdempotentEntry {
  fingerprint: string;
  payload: unknown;
  failed: boolean;
}

export interface ShopState {
  domain: string;
  shop: ShopRecord;
  plan: PlanName;
  locations: Collection<LocationRecord>;
  products: Collection<ProductRecord>;
  variants: Collection<VariantRecord>;
  inventoryItems: Collection<InventoryItemRecord>;
  /** Keyed `itemNum:locationNum`. */
  inventoryLevels: Map<string, InventoryLevelRecord>;
  customers: Collection<CustomerRecord>;
  orders: Collection<OrderRecord>;
  fulfillments: Collection<FulfillmentRecord>;
  refunds: Collection<RefundRecord>;
  returns: Collection<ReturnRecord>;
  reverseFulfillmentOrders: Collection<ReverseFulfillmentOrderRecord>;
  deletionEvents: Collection<DeletionEventRecord>;
  bulkOperations: Collection<BulkOperationRecord>;
  webhookSubscriptions: Collection<WebhookSubscriptionRecord>;
  bucket: LeakyBucket;
  faults: Faults;
  idempotency: Map<string, IdempotentEntry>;
  bulkDelayMs: number;
  nextOrderNumber: number;
  sequences: Record<IdType, number>;
}

export interface ShopSettings {
  domain: string;
  name?: string;
  plan: PlanName;
  restoreRate?: number;
  maximumAvailable?: number;
  bulkDelayMs: number;
}

export function createShopState(settings: ShopSettings, shopNum: number, clock: Clock): ShopState {
  const plan = plans[settings.plan];
  const handle = settings.domain.replace(/\.myshopify\.com$/, "");
  const name =
    settings.name ??
    handle
      .split("-")
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join(" ");
  const now = clock.iso();
  const shop: ShopRecord = {
    id: gid("Shop", shopNum),
    name,
    email: `inhaber@${handle}.example`,
    contactEmail: `kontakt@${handle}.example`,
    shopOwnerName: "Inhaber der Rösterei",
    myshopifyDomain: settings.domain,
    url: `https://${handle}.example`,
    currencyCode: "EUR",
    enabledPresentmentCurrencies: ["EUR"],
    ianaTimezone: "Europe/Berlin",
    timezoneAbbreviation: "CET",
    timezoneOffset: "+0100",
    timezoneOffsetMinutes: 60,
    weightUnit: "KILOGRAMS",
    unitSystem: "METRIC_SYSTEM",
    taxesIncluded: true,
    taxShipping: false,
    setupRequired: false,
    checkoutApiSupported: true,
    transactionalSmsDisabled: true,
    orderNumberFormatPrefix: "#",
    orderNumberFormatSuffix: "",
    description: null,
    plan: {
      publicDisplayName: plan.publicDisplayName,
      partnerDevelopment: settings.plan === "development",
      shopifyPlus: settings.plan === "plus",
    },
    primaryDomain: {
      id: gid("Domain", shopNum),
      host: `${handle}.example`,
      url: `https://${handle}.example`,
      sslEnabled: true,
    },
    createdAt: now,
    updatedAt: now,
  };
  return {
    domain: settings.domain,
    shop,
    plan: settings.plan,
    locations: new Collection(),
    products: new Collection(),
    variants: new Collection(),
    inventoryItems: new Collection(),
    inventoryLevels: new Map(),
    customers: new Collection(),
    orders: new Collection(),
    fulfillments: new Collection(),
    refunds: new Collection(),
    returns: new Collection(),
    reverseFulfillmentOrders: new Collection(),
    deletionEvents: new Collection(),
    bulkOperations: new Collection(),
    webhookSubscriptions: new Collection(),
    bucket: new LeakyBucket(
      settings.maximumAvailable ?? plan.maximumAvailable,
      settings.restoreRate ?? plan.restoreRate,
      clock.now(),
    ),
    faults: new Faults(),
    idempotency: new Map(),
    bulkDelayMs: settings.bulkDelayMs,
    nextOrderNumber: 1001,
    sequences: { ...idBases },
  };
}

export function nextNum(shop: ShopState, type: IdType): number {
  shop.sequences[type] += 1;
  return shop.sequences[type];
}

/** Stamps a new `updatedAt` and invalidates the sorted views of its collection. */
export function touch<T extends { num: number; updatedAt: string }>(
  collection: Collection<T>,
  record: T,
  at: string,
): void {
  record.updatedAt = at;
  collection.changed();
}

export function levelKey(itemNum: number, locationNum: number): string {
  return `${itemNum}:${locationNum}`;
}
