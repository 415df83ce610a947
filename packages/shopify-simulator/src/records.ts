/**
 * The stored shape of every simulated object. Keys match the Admin GraphQL field names, so
 * graphql-js' default resolver serves them directly; connection fields hold plain arrays that a
 * resolver pages. Money is kept in cents and formatted the way Shopify formats it.
 */

export interface Money {
  amount: string;
  currencyCode: string;
}

export interface MoneyBag {
  shopMoney: Money;
  presentmentMoney: Money;
}

export interface Entity {
  id: string;
  num: number;
  legacyResourceId: string;
  createdAt: string;
  updatedAt: string;
}

export interface ShopRecord {
  id: string;
  name: string;
  email: string;
  contactEmail: string;
  shopOwnerName: string;
  myshopifyDomain: string;
  url: string;
  currencyCode: string;
  enabledPresentmentCurrencies: string[];
  ianaTimezone: string;
  timezoneAbbreviation: string;
  timezoneOffset: string;
  timezoneOffsetMinutes: number;
  weightUnit: string;
  unitSystem: string;
  taxesIncluded: boolean;
  taxShipping: boolean;
  setupRequired: boolean;
  checkoutApiSupported: boolean;
  transactionalSmsDisabled: boolean;
  orderNumberFormatPrefix: string;
  orderNumberFormatSuffix: string;
  description: string | null;
  plan: { publicDisplayName: string; partnerDevelopment: boolean; shopifyPlus: boolean };
  primaryDomain: { id: string; host: string; url: string; sslEnabled: boolean };
  createdAt: string;
  updatedAt: string;
}

export interface LocationRecord extends Entity {
  name: string;
  isActive: boolean;
  isPrimary: boolean;
  activatable: boolean;
  deactivatable: boolean;
  deletable: boolean;
  deactivatedAt: string | null;
  addressVerified: boolean;
  fulfillsOnlineOrders: boolean;
  hasActiveInventory: boolean;
  hasUnfulfilledOrders: boolean;
  isFulfillmentService: boolean;
  shipsInventory: boolean;
  address: {
    address1: string;
    address2: string | null;
    city: string;
    zip: string;
    province: string | null;
    provinceCode: string | null;
    country: string;
    countryCode: string;
    phone: string | null;
    formatted: string[];
  };
  inventoryLevels: InventoryLevelRecord[];
}

export interface ProductRecord extends Entity {
  title: string;
  handle: string;
  description: string;
  descriptionHtml: string;
  vendor: string;
  productType: string;
  status: "ACTIVE" | "DRAFT" | "ARCHIVED";
  tags: string[];
  publishedAt: string | null;
  templateSuffix: string | null;
  isGiftCard: boolean;
  hasOnlyDefaultVariant: boolean;
  tracksInventory: boolean;
  variants: VariantRecord[];
  deleted: boolean;
}

export interface VariantRecord extends Entity {
  title: string;
  displayName: string;
  sku: string;
  barcode: string | null;
  price: string;
  compareAtPrice: string | null;
  position: number;
  taxable: boolean;
  availableForSale: boolean;
  inventoryPolicy: "DENY" | "CONTINUE";
  selectedOptions: { name: string; value: string }[];
  product: ProductRecord;
  inventoryItem: InventoryItemRecord;
  /** Shared by every line item sold at this price (not a GraphQL field). */
  priceSet: MoneyBag;
  deleted: boolean;
}

export interface InventoryItemRecord extends Entity {
  sku: string;
  tracked: boolean;
  requiresShipping: boolean;
  countryCodeOfOrigin: string | null;
  harmonizedSystemCode: string | null;
  unitCost: Money | null;
  variant: VariantRecord;
  inventoryLevels: InventoryLevelRecord[];
}

/** Quantity names Shopify stores; `on_hand` is derived from them. */
export const storedQuantityNames = [
  "available",
  "committed",
  "damaged",
  "incoming",
  "quality_control",
  "reserved",
  "safety_stock",
] as const;
export type StoredQuantityName = (typeof storedQuantityNames)[number];
export type QuantityName = StoredQuantityName | "on_hand";
export const quantityNames: readonly string[] = [...storedQuantityNames, "on_hand"];

export interface InventoryLevelRecord {
  id: string;
  /** Orders levels in connections; Shopify's level GIDs are not unique by number. */
  num: number;
  createdAt: string;
  updatedAt: string;
  isActive: boolean;
  canDeactivate: boolean;
  deactivationAlert: string | null;
  item: InventoryItemRecord;
  location: LocationRecord;
  amounts: Record<StoredQuantityName, number>;
}

export interface CustomerRecord extends Entity {
  firstName: string | null;
  lastName: string | null;
  displayName: string;
  email: string | null;
  phone: string | null;
  state: "ENABLED" | "DISABLED" | "INVITED" | "DECLINED";
  note: string | null;
  locale: string;
  tags: string[];
  verifiedEmail: boolean;
  taxExempt: boolean;
  dataSaleOptOut: boolean;
  orders: OrderRecord[];
}

export interface LineItemRecord {
  id: string;
  num: number;
  name: string;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string | null;
  quantity: number;
  currentQuantity: number;
  unfulfilledQuantity: number;
  nonFulfillableQuantity: number;
  requiresShipping: boolean;
  taxable: boolean;
  isGiftCard: boolean;
  originalUnitPriceSet: MoneyBag;
  discountedUnitPriceSet: MoneyBag;
  variant: VariantRecord | null;
  product: ProductRecord | null;
}

export interface FulfillmentLineItemRecord {
  id: string;
  num: number;
  lineItem: LineItemRecord;
  quantity: number;
}

export interface FulfillmentRecord extends Entity {
  name: string;
  status: "SUCCESS" | "CANCELLED";
  displayStatus: string;
  trackingInfo: { company: string; number: string; url: string }[];
  totalQuantity: number;
  requiresShipping: boolean;
  deliveredAt: string | null;
  inTransitAt: string | null;
  estimatedDeliveryAt: string | null;
  location: LocationRecord;
  order: OrderRecord;
  fulfillmentLineItems: FulfillmentLineItemRecord[];
}

export type RestockType = "RETURN" | "CANCEL" | "NO_RESTOCK";

export interface RefundLineItemRecord {
  id: string;
  num: number;
  lineItem: LineItemRecord;
  quantity: number;
  restockType: RestockType;
  restocked: boolean;
  location: LocationRecord | null;
}

export interface RefundRecord extends Entity {
  order: OrderRecord;
  note: string | null;
  refundLineItems: RefundLineItemRecord[];
  /** The return this refund pays for (`returnProcess` with `financialTransfer`). */
  return: ReturnRecord | null;
}

/** What became of returned units (`ReverseFulfillmentOrderDispositionType`). */
export type DispositionType = "RESTOCKED" | "NOT_RESTOCKED" | "MISSING" | "PROCESSING_REQUIRED";

export interface DispositionRecord {
  id: string;
  num: number;
  createdAt: string;
  type: DispositionType;
  quantity: number;
  location: LocationRecord | null;
}

export interface ReverseFulfillmentOrderLineItemRecord {
  id: string;
  num: number;
  totalQuantity: number;
  fulfillmentLineItem: FulfillmentLineItemRecord;
  dispositions: DispositionRecord[];
}

export interface ReverseFulfillmentOrderRecord {
  id: string;
  num: number;
  status: "OPEN" | "CLOSED" | "CANCELED";
  lineItems: ReverseFulfillmentOrderLineItemRecord[];
}

export interface ReturnRecord extends Entity {
  name: string;
  status: "OPEN" | "CLOSED";
  closedAt: string | null;
  totalQuantity: number;
  order: OrderRecord;
  reverseFulfillmentOrders: ReverseFulfillmentOrderRecord[];
  refunds: RefundRecord[];
}

export interface OrderRecord extends Entity {
  name: string;
  number: number;
  email: string | null;
  phone: string | null;
  processedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  closed: boolean;
  closedAt: string | null;
  confirmed: boolean;
  test: boolean;
  currencyCode: string;
  presentmentCurrencyCode: string;
  displayFinancialStatus: string;
  displayFulfillmentStatus: string;
  totalPriceSet: MoneyBag;
  subtotalPriceSet: MoneyBag;
  currentTotalPriceSet: MoneyBag;
  currentSubtotalPriceSet: MoneyBag;
  tags: string[];
  note: string | null;
  customer: CustomerRecord | null;
  lineItems: LineItemRecord[];
  fulfillments: FulfillmentRecord[];
  refunds: RefundRecord[];
  returns: ReturnRecord[];
  /** Whether an order edit was committed. */
  edited: boolean;
  /** Where the order's stock is committed (not a GraphQL field). */
  location: LocationRecord;
}

export interface DeletionEventRecord {
  num: number;
  occurredAt: string;
  subjectId: string;
  subjectType: "PRODUCT" | "COLLECTION";
}

export interface BulkOperationRecord {
  id: string;
  num: number;
  type: "QUERY";
  status: "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  query: string;
  createdAt: string;
  completedAt: string | null;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  partialDataUrl: string | null;
}

export function moneyBag(cents: number, currencyCode: string): MoneyBag {
  const money = { amount: decimal(cents), currencyCode };
  return { shopMoney: money, presentmentMoney: money };
}

/** Shopify's `Decimal` drops trailing zeros but keeps one: 12.9 → "12.9", 10 → "10.0". */
export function decimal(cents: number): string {
  const text = String(cents / 100);
  return text.includes(".") ? text : `${text}.0`;
}

/** Shopify's `Money` scalar (e.g. `ProductVariant.price`) always has two decimals. */
export function moneyScalar(cents: number): string {
  return (cents / 100).toFixed(2);
}

export function cents(amount: string): number {
  return Math.round(Number(amount) * 100);
}

/** A named quantity of a level, `on_hand` included. */
export function quantityOf(amounts: Record<StoredQuantityName, number>, name: string): number {
  return name === "on_hand" ? onHand(amounts) : amounts[name as StoredQuantityName];
}

export function onHand(amounts: Record<StoredQuantityName, number>): number {
  return (
    amounts.available +
    amounts.committed +
    amounts.damaged +
    amounts.quality_control +
    amounts.reserved +
    amounts.safety_stock
  );
}
