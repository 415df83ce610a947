/**
 * What happens in a shop: catalogue changes, orders and their effect on stock. The generator,
 * the control API and the GraphQL mutations all change data through these functions, so
 * timestamps, stock and deletion events stay consistent whoever makes the change.
 */
import { notFound } from "./errors.ts";
import { gid, inventoryLevelGid } from "./ids.ts";
import {
  type CustomerRecord,
  cents,
  type FulfillmentLineItemRecord,
  type FulfillmentRecord,
  type InventoryItemRecord,
  type InventoryLevelRecord,
  type LineItemRecord,
  type LocationRecord,
  type MoneyBag,
  moneyBag,
  moneyScalar,
  type OrderRecord,
  type ProductRecord,
  type RefundRecord,
  type RestockType,
  type ReturnRecord,
  type StoredQuantityName,
  type VariantRecord,
} from "./records.ts";
import { type IdType, levelKey, nextNum, type ShopState, touch } from "./store.ts";
import { flat } from "./strings.ts";

export interface LocationInput {
  name: string;
  address1: string;
  zip: string;
  city: string;
  primary?: boolean;
}

export function createLocation(shop: ShopState, at: string, input: LocationInput): LocationRecord {
  const num = nextNum(shop, "Location");
  return shop.locations.add({
    id: gid("Location", num),
    num,
    legacyResourceId: String(num),
    createdAt: at,
    updatedAt: at,
    name: input.name,
    isActive: true,
    isPrimary: input.primary ?? false,
    activatable: true,
    deactivatable: !input.primary,
    deletable: false,
    deactivatedAt: null,
    addressVerified: true,
    fulfillsOnlineOrders: true,
    hasActiveInventory: true,
    hasUnfulfilledOrders: false,
    isFulfillmentService: false,
    shipsInventory: true,
    address: {
      address1: input.address1,
      address2: null,
      city: input.city,
      zip: input.zip,
      province: null,
      provinceCode: null,
      country: "Germany",
      countryCode: "DE",
      phone: null,
      formatted: [input.address1, `${input.zip} ${input.city}`, "Germany"],
    },
    inventoryLevels: [],
  });
}

export function primaryLocation(shop: ShopState): LocationRecord {
  const location = shop.locations.items.find((l) => l.isPrimary) ?? shop.locations.items[0];
  if (!location) throw notFound("location");
  return location;
}

export interface ProductInput {
  title: string;
  vendor?: string;
  productType?: string;
  status?: ProductRecord["status"];
  tags?: string[];
  description?: string;
  /** The option the variants differ in, e.g. "Gewicht". */
  optionName?: string;
  variants: VariantInput[];
}

export interface VariantInput {
  /** The option value, e.g. "250 g"; also the variant title. */
  option: string;
  sku: string;
  priceCents: number;
  /** Available quantity per location, in location order; missing locations get 0. */
  available?: number[];
  barcode?: string | null;
}

export function createProduct(
  shop: ShopState,
  at: string,
  input: ProductInput,
  publishedAt: string | null = at,
): ProductRecord {
  const num = nextNum(shop, "Product");
  const description = input.description ?? "";
  const product: ProductRecord = shop.products.add({
    id: gid("Product", num),
    num,
    legacyResourceId: String(num),
    createdAt: at,
    updatedAt: at,
    title: flat(input.title),
    handle: handleize(input.title),
    description,
    descriptionHtml: description ? `<p>${description}</p>` : "",
    vendor: input.vendor ?? shop.shop.name,
    productType: input.productType ?? "Kaffee",
    status: input.status ?? "ACTIVE",
    tags: input.tags ?? [],
    publishedAt: input.status === "DRAFT" ? null : publishedAt,
    templateSuffix: null,
    isGiftCard: false,
    hasOnlyDefaultVariant: false,
    tracksInventory: true,
    variants: [],
    deleted: false,
  });
  for (const variant of input.variants) addVariant(shop, product, at, variant, input.optionName);
  product.hasOnlyDefaultVariant = product.variants.length === 1;
  return product;
}

export function addVariant(
  shop: ShopState,
  product: ProductRecord,
  at: string,
  input: VariantInput,
  optionName = "Titel",
): VariantRecord {
  const num = nextNum(shop, "ProductVariant");
  const itemNum = nextNum(shop, "InventoryItem");
  const currency = shop.shop.currencyCode;
  const variant = {
    id: gid("ProductVariant", num),
    num,
    legacyResourceId: String(num),
    createdAt: at,
    updatedAt: at,
    title: input.option,
    displayName: flat(`${product.title} - ${input.option}`),
    sku: flat(input.sku),
    barcode: input.barcode ?? null,
    price: moneyScalar(input.priceCents),
    compareAtPrice: null,
    position: product.variants.length + 1,
    taxable: true,
    availableForSale: product.status === "ACTIVE",
    inventoryPolicy: "DENY",
    selectedOptions: [{ name: optionName, value: input.option }],
    product,
    priceSet: moneyBag(input.priceCents, currency),
    deleted: false,
  } as VariantRecord;
  const item: InventoryItemRecord = {
    id: gid("InventoryItem", itemNum),
    num: itemNum,
    legacyResourceId: String(itemNum),
    createdAt: at,
    updatedAt: at,
    sku: input.sku,
    tracked: true,
    requiresShipping: true,
    countryCodeOfOrigin: null,
    harmonizedSystemCode: "090121",
    unitCost: null,
    variant,
    inventoryLevels: [],
  };
  variant.inventoryItem = item;
  product.variants.push(variant);
  shop.variants.add(variant);
  shop.inventoryItems.add(item);
  shop.locations.items.forEach((location, index) => {
    inventoryLevel(shop, item, location, at).amounts.available = input.available?.[index] ?? 0;
  });
  return variant;
}

/** The item's level at the location, stocked there now if it was not (as Shopify does). */
export function inventoryLevel(
  shop: ShopState,
  item: InventoryItemRecord,
  location: LocationRecord,
  at: string,
): InventoryLevelRecord {
  const key = levelKey(item.num, location.num);
  const existing = shop.inventoryLevels.get(key);
  if (existing) return existing;
  const level: InventoryLevelRecord = {
    id: inventoryLevelGid(location.num, item.num),
    num: nextNum(shop, "InventoryLevel"),
    createdAt: at,
    updatedAt: at,
    isActive: true,
    canDeactivate: true,
    deactivationAlert: null,
    item,
    location,
    amounts: {
      available: 0,
      committed: 0,
      damaged: 0,
      incoming: 0,
      quality_control: 0,
      reserved: 0,
      safety_stock: 0,
    },
  };
  shop.inventoryLevels.set(key, level);
  item.inventoryLevels.push(level);
  location.inventoryLevels.push(level);
  return level;
}

export function adjustQuantity(
  shop: ShopState,
  level: InventoryLevelRecord,
  name: StoredQuantityName,
  delta: number,
  at: string,
): void {
  if (delta === 0) return;
  level.amounts[name] += delta;
  level.updatedAt = at;
  touch(shop.inventoryItems, level.item, at);
}

export interface ProductPatch {
  title?: string;
  status?: ProductRecord["status"];
  vendor?: string;
  productType?: string;
  tags?: string[];
  description?: string;
}

export function updateProduct(
  shop: ShopState,
  product: ProductRecord,
  at: string,
  patch: ProductPatch,
): void {
  if (patch.title !== undefined) {
    product.title = patch.title;
    for (const variant of product.variants) {
      variant.displayName = flat(`${patch.title} - ${variant.title}`);
    }
  }
  if (patch.status !== undefined) {
    product.status = patch.status;
    for (const variant of product.variants) variant.availableForSale = patch.status === "ACTIVE";
  }
  if (patch.vendor !== undefined) product.vendor = patch.vendor;
  if (patch.productType !== undefined) product.productType = patch.productType;
  if (patch.tags !== undefined) product.tags = patch.tags;
  if (patch.description !== undefined) {
    product.description = patch.description;
    product.descriptionHtml = `<p>${patch.description}</p>`;
  }
  touch(shop.products, product, at);
}

export function deleteProduct(shop: ShopState, product: ProductRecord, at: string): void {
  for (const variant of product.variants.slice()) removeVariant(shop, variant);
  product.deleted = true;
  shop.products.remove(product.num);
  const num = nextNum(shop, "DeletionEvent");
  shop.deletionEvents.add({ num, occurredAt: at, subjectId: product.id, subjectType: "PRODUCT" });
}

export interface VariantPatch {
  sku?: string;
  priceCents?: number;
  option?: string;
  barcode?: string | null;
}

export function updateVariant(
  shop: ShopState,
  variant: VariantRecord,
  at: string,
  patch: VariantPatch,
): void {
  if (patch.sku !== undefined) {
    variant.sku = patch.sku;
    variant.inventoryItem.sku = patch.sku;
    touch(shop.inventoryItems, variant.inventoryItem, at);
  }
  if (patch.priceCents !== undefined) {
    variant.price = moneyScalar(patch.priceCents);
    variant.priceSet = moneyBag(patch.priceCents, shop.shop.currencyCode);
  }
  if (patch.option !== undefined) {
    variant.title = patch.option;
    variant.displayName = flat(`${variant.product.title} - ${patch.option}`);
    for (const option of variant.selectedOptions) option.value = patch.option;
  }
  if (patch.barcode !== undefined) variant.barcode = patch.barcode;
  touch(shop.variants, variant, at);
  touch(shop.products, variant.product, at);
}

export function deleteVariant(shop: ShopState, variant: VariantRecord, at: string): void {
  const product = variant.product;
  removeVariant(shop, variant);
  product.variants.forEach((v, index) => {
    v.position = index + 1;
  });
  touch(shop.products, product, at);
}

function removeVariant(shop: ShopState, variant: VariantRecord): void {
  const product = variant.product;
  product.variants.splice(product.variants.indexOf(variant), 1);
  variant.deleted = true;
  shop.variants.remove(variant.num);
  shop.inventoryItems.remove(variant.inventoryItem.num);
  for (const level of variant.inventoryItem.inventoryLevels) {
    shop.inventoryLevels.delete(levelKey(level.item.num, level.location.num));
    const levels = level.location.inventoryLevels;
    levels.splice(levels.indexOf(level), 1);
  }
}

export interface CustomerInput {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  state?: CustomerRecord["state"];
  tags?: string[];
  note?: string | null;
}

export function createCustomer(shop: ShopState, at: string, input: CustomerInput): CustomerRecord {
  const num = nextNum(shop, "Customer");
  const customer: CustomerRecord = {
    id: gid("Customer", num),
    num,
    legacyResourceId: String(num),
    createdAt: at,
    updatedAt: at,
    firstName: null,
    lastName: null,
    displayName: "",
    email: null,
    phone: null,
    state: "ENABLED",
    note: null,
    locale: "de",
    tags: [],
    verifiedEmail: true,
    taxExempt: false,
    dataSaleOptOut: false,
    orders: [],
  };
  applyCustomer(customer, input);
  return shop.customers.add(customer);
}

export function updateCustomer(
  shop: ShopState,
  customer: CustomerRecord,
  at: string,
  input: CustomerInput,
): void {
  applyCustomer(customer, input);
  touch(shop.customers, customer, at);
}

function applyCustomer(customer: CustomerRecord, input: CustomerInput): void {
  if (input.firstName !== undefined) customer.firstName = input.firstName;
  if (input.lastName !== undefined) customer.lastName = input.lastName;
  if (input.email !== undefined) customer.email = flat(input.email);
  if (input.phone !== undefined) customer.phone = input.phone;
  if (input.state !== undefined) customer.state = input.state;
  if (input.tags !== undefined) customer.tags = input.tags;
  if (input.note !== undefined) customer.note = input.note;
  const name = [customer.firstName, customer.lastName].filter(Boolean).join(" ");
  customer.displayName = name || customer.email || customer.phone || "";
}

export interface OrderInput {
  lines: { variant: VariantRecord; quantity: number }[];
  customer: CustomerRecord | null;
  location: LocationRecord;
  email?: string | null;
}

/** A paid order: its quantities leave `available` and become `committed` at the location. */
export function placeOrder(shop: ShopState, at: string, input: OrderInput): OrderRecord {
  const num = nextNum(shop, "Order");
  const number = shop.nextOrderNumber++;
  const currency = shop.shop.currencyCode;
  let totalCents = 0;
  const lineItems = input.lines.map(({ variant, quantity }): LineItemRecord => {
    const lineNum = nextNum(shop, "LineItem");
    totalCents += cents(variant.price) * quantity;
    const level = inventoryLevel(shop, variant.inventoryItem, input.location, at);
    adjustQuantity(shop, level, "available", -quantity, at);
    adjustQuantity(shop, level, "committed", quantity, at);
    return {
      id: gid("LineItem", lineNum),
      num: lineNum,
      name: variant.displayName,
      title: variant.product.title,
      variantTitle: variant.title,
      sku: variant.sku || null,
      vendor: variant.product.vendor,
      quantity,
      currentQuantity: quantity,
      unfulfilledQuantity: quantity,
      nonFulfillableQuantity: 0,
      requiresShipping: true,
      taxable: true,
      isGiftCard: false,
      originalUnitPriceSet: variant.priceSet,
      discountedUnitPriceSet: variant.priceSet,
      variant,
      product: variant.product,
    };
  });
  const total: MoneyBag = moneyBag(totalCents, currency);
  const customer = input.customer;
  const order = shop.orders.add({
    id: gid("Order", num),
    num,
    legacyResourceId: String(num),
    createdAt: at,
    updatedAt: at,
    name: `#${number}`,
    number: number - 1000,
    email: flat(input.email) ?? customer?.email ?? null,
    phone: null,
    processedAt: at,
    cancelledAt: null,
    cancelReason: null,
    closed: false,
    closedAt: null,
    confirmed: true,
    test: false,
    currencyCode: currency,
    presentmentCurrencyCode: currency,
    displayFinancialStatus: "PAID",
    displayFulfillmentStatus: "UNFULFILLED",
    totalPriceSet: total,
    subtotalPriceSet: total,
    currentTotalPriceSet: total,
    currentSubtotalPriceSet: total,
    tags: [],
    note: null,
    customer,
    lineItems,
    fulfillments: [],
    refunds: [],
    returns: [],
    edited: false,
    location: input.location,
  });
  if (customer) {
    customer.orders.push(order);
    touch(shop.customers, customer, at);
  }
  return order;
}

/** Cancelling restocks what was not shipped yet and refunds the order. */
export function cancelOrder(shop: ShopState, order: OrderRecord, at: string, reason: string): void {
  for (const line of order.lineItems) {
    const open = line.unfulfilledQuantity;
    if (line.variant && !line.variant.deleted && open > 0) {
      const level = inventoryLevel(shop, line.variant.inventoryItem, order.location, at);
      adjustQuantity(shop, level, "committed", -open, at);
      adjustQuantity(shop, level, "available", open, at);
    }
    line.unfulfilledQuantity = 0;
    line.currentQuantity = line.quantity - open;
  }
  const zero = moneyBag(0, order.currencyCode);
  order.currentTotalPriceSet = zero;
  order.currentSubtotalPriceSet = zero;
  order.cancelledAt = at;
  order.cancelReason = reason;
  order.closed = true;
  order.closedAt = at;
  order.displayFinancialStatus = "REFUNDED";
  touch(shop.orders, order, at);
  if (order.customer) touch(shop.customers, order.customer, at);
}

/** Moves an order line's units between `committed` and `available` at the order's location. */
function restock(
  shop: ShopState,
  order: OrderRecord,
  line: LineItemRecord,
  at: string,
  moves: {
    committed: number;
    available: number;
  },
): void {
  if (!line.variant || line.variant.deleted) return;
  const level = inventoryLevel(shop, line.variant.inventoryItem, order.location, at);
  adjustQuantity(shop, level, "committed", moves.committed, at);
  adjustQuantity(shop, level, "available", moves.available, at);
}

/**
 * A refund of line items (Admin API `refundCreate`): `RETURN` puts shipped units back on the
 * shelf, `CANCEL` puts back units not shipped yet, `NO_RESTOCK` puts back nothing (units not
 * shipped are no longer to be shipped). The refunded units leave the line's `currentQuantity`.
 */
export function refundOrder(
  shop: ShopState,
  order: OrderRecord,
  at: string,
  lines: { line: LineItemRecord; quantity: number; restockType: RestockType }[],
  ofReturn: ReturnRecord | null = null,
): RefundRecord {
  const num = nextNum(shop, "Refund");
  const refund: RefundRecord = {
    id: gid("Refund", num),
    num,
    legacyResourceId: String(num),
    createdAt: at,
    updatedAt: at,
    order,
    note: null,
    return: ofReturn,
    refundLineItems: lines.map(({ line, quantity, restockType }) => {
      const unshipped = Math.min(quantity, line.unfulfilledQuantity);
      // A return's units are back on the shelf by its dispositions already.
      if (restockType === "RETURN") {
        if (!ofReturn) restock(shop, order, line, at, { committed: 0, available: quantity });
      } else {
        const back = restockType === "CANCEL" ? quantity : 0;
        restock(shop, order, line, at, { committed: -unshipped, available: back });
        line.unfulfilledQuantity -= unshipped;
      }
      line.currentQuantity -= quantity;
      const lineNum = nextNum(shop, "RefundLineItem");
      return {
        id: gid("RefundLineItem", lineNum),
        num: lineNum,
        lineItem: line,
        quantity,
        restockType,
        restocked: restockType !== "NO_RESTOCK",
        location: restockType === "NO_RESTOCK" ? null : order.location,
      };
    }),
  };
  shop.refunds.add(refund);
  order.refunds.push(refund);
  touch(shop.orders, order, at);
  return refund;
}

/** A new record's id (of `type`, the next number) with its numbers. */
function identity(shop: ShopState, type: IdType) {
  const num = nextNum(shop, type);
  return { id: gid(type, num), num };
}

/** Units of a line shipped and not returned yet. */
export function returnableQuantity(order: OrderRecord, line: LineItemRecord): number {
  const shipped = order.fulfillments
    .flatMap((f) => f.fulfillmentLineItems)
    .filter((item) => item.lineItem === line)
    .reduce((sum, item) => sum + item.quantity, 0);
  const returned = order.returns
    .flatMap((r) => r.reverseFulfillmentOrders.flatMap((rfo) => rfo.lineItems))
    .filter((item) => item.fulfillmentLineItem.lineItem === line)
    .reduce((sum, item) => sum + item.totalQuantity, 0);
  return shipped - returned;
}

/**
 * A return of shipped units, created and processed at once (Admin API `returnCreate`, then
 * `returnProcess`): every line's units get one disposition, and `RESTOCKED` ones go back to
 * `available` at the order's location. With `refund`, `returnProcess`'s `financialTransfer`
 * refunds the returned units; that refund's line items report the restock as `RETURN` too (the
 * case in which a reader of both would count it twice) without restocking again. `unitByUnit`:
 * each unit is processed by a `returnProcess` of its own (a disposition, and a refund, per unit).
 * The lines are spread in turn over `reverseFulfillmentOrders` reverse fulfillment orders (Shopify
 * may make more than one for a return at one location).
 */
export function processReturn(
  shop: ShopState,
  order: OrderRecord,
  at: string,
  lines: { line: LineItemRecord; quantity: number; restock: boolean }[],
  how: { refund: boolean; unitByUnit: boolean; reverseFulfillmentOrders: number },
): ReturnRecord {
  const { id, num } = identity(shop, "Return");
  const parts = (quantity: number) =>
    how.unitByUnit ? Array.from({ length: quantity }, () => 1) : [quantity];
  const returned: ReturnRecord = {
    id,
    num,
    legacyResourceId: String(num),
    createdAt: at,
    updatedAt: at,
    name: `${order.name}-R${order.returns.length + 1}`,
    status: "CLOSED",
    closedAt: at,
    totalQuantity: lines.reduce((sum, { quantity }) => sum + quantity, 0),
    order,
    refunds: [],
    reverseFulfillmentOrders: Array.from({ length: how.reverseFulfillmentOrders }, (_, rfo) => ({
      ...identity(shop, "ReverseFulfillmentOrder"),
      status: "CLOSED" as const,
      lineItems: lines
        .filter((_, i) => i % how.reverseFulfillmentOrders === rfo)
        .map(({ line, quantity, restock: back }) => {
          const fulfillmentLineItem = order.fulfillments
            .flatMap((f) => f.fulfillmentLineItems)
            .find((item) => item.lineItem === line);
          if (!fulfillmentLineItem) throw new Error(`${line.id} was not shipped`);
          if (back) restock(shop, order, line, at, { committed: 0, available: quantity });
          return {
            ...identity(shop, "ReverseFulfillmentOrderLineItem"),
            totalQuantity: quantity,
            fulfillmentLineItem,
            dispositions: parts(quantity).map((units) => ({
              ...identity(shop, "ReverseFulfillmentOrderDisposition"),
              createdAt: at,
              type: back ? ("RESTOCKED" as const) : ("NOT_RESTOCKED" as const),
              quantity: units,
              location: back ? order.location : null,
            })),
          };
        }),
    })),
  };
  shop.returns.add(returned);
  for (const rfo of returned.reverseFulfillmentOrders) shop.reverseFulfillmentOrders.add(rfo);
  order.returns.push(returned);
  if (how.refund) {
    const refunded = lines.map(({ line, quantity, restock: back }) => ({
      line,
      quantity,
      restockType: back ? ("RETURN" as const) : ("NO_RESTOCK" as const),
    }));
    const payments = how.unitByUnit
      ? refunded.flatMap((refund) => parts(refund.quantity).map(() => [{ ...refund, quantity: 1 }]))
      : [refunded];
    for (const payment of payments) {
      returned.refunds.push(refundOrder(shop, order, at, payment, returned));
    }
  }
  touch(shop.orders, order, at);
  return returned;
}

/**
 * An order edit that sets a line's quantity (Admin API `orderEditSetQuantity`, committed): units
 * added are taken from `available`; units removed (only ones not shipped yet) go back to
 * `available` when restocked.
 */
export function editLineItemQuantity(
  shop: ShopState,
  order: OrderRecord,
  at: string,
  edit: { line: LineItemRecord; quantity: number; restock: boolean },
): void {
  const { line } = edit;
  const added = edit.quantity - line.currentQuantity;
  if (added > 0) {
    line.quantity += added;
    restock(shop, order, line, at, { committed: added, available: -added });
  } else {
    restock(shop, order, line, at, { committed: added, available: edit.restock ? -added : 0 });
  }
  line.currentQuantity += added;
  line.unfulfilledQuantity += added;
  order.edited = true;
  touch(shop.orders, order, at);
}

/** Ships every open line: `committed` (and with it `on_hand`) goes down; the order closes. */
export function fulfillOrder(
  shop: ShopState,
  order: OrderRecord,
  at: string,
  tracking: { company: string; number: string },
): FulfillmentRecord {
  const shipped: FulfillmentLineItemRecord[] = [];
  for (const line of order.lineItems) {
    const open = line.unfulfilledQuantity;
    if (open === 0) continue;
    if (line.variant && !line.variant.deleted) {
      const level = inventoryLevel(shop, line.variant.inventoryItem, order.location, at);
      adjustQuantity(shop, level, "committed", -open, at);
    }
    const num = nextNum(shop, "FulfillmentLineItem");
    shipped.push({ id: gid("FulfillmentLineItem", num), num, lineItem: line, quantity: open });
    line.unfulfilledQuantity = 0;
  }
  const num = nextNum(shop, "Fulfillment");
  const fulfillment = shop.fulfillments.add({
    id: gid("Fulfillment", num),
    num,
    legacyResourceId: String(num),
    createdAt: at,
    updatedAt: at,
    name: `${order.name}.${order.fulfillments.length + 1}`,
    status: "SUCCESS",
    displayStatus: "FULFILLED",
    trackingInfo: [
      {
        company: tracking.company,
        number: tracking.number,
        url: flat(
          `https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=${tracking.number}`,
        ),
      },
    ],
    totalQuantity: shipped.reduce((sum, line) => sum + line.quantity, 0),
    requiresShipping: true,
    deliveredAt: null,
    inTransitAt: null,
    estimatedDeliveryAt: null,
    location: order.location,
    order,
    fulfillmentLineItems: shipped,
  });
  order.fulfillments.push(fulfillment);
  order.displayFulfillmentStatus = "FULFILLED";
  order.closed = true;
  order.closedAt = at;
  touch(shop.orders, order, at);
  return fulfillment;
}

/** Shopify's handles: lower case, umlauts spelled out, everything else a hyphen. */
export function handleize(title: string): string {
  return title
    .toLowerCase()
    .replace(/ä/g, "ae")
    .replace(/ö/g, "oe")
    .replace(/ü/g, "ue")
    .replace(/ß/g, "ss")
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
