/**
 * The control API: what tests, the demo and benchmarks do to the simulated shops from outside
 * (create shops, change data, place orders, inject faults, manage tokens, read the request log).
 * Every input is validated with zod, whether it comes from code or over HTTP (`control-http.ts`).
 */
import { z } from "zod";
import {
  adjustQuantity,
  cancelOrder,
  createCustomer,
  createProduct,
  deleteProduct,
  deleteVariant,
  editLineItemQuantity,
  fulfillOrder,
  inventoryLevel,
  placeOrder,
  primaryLocation,
  processReturn,
  refundOrder,
  returnableQuantity,
  updateCustomer,
  updateProduct,
  updateVariant,
} from "./commerce.ts";
import { ControlError, notFound } from "./errors.ts";
import type { FaultConfigInput } from "./faults.ts";
import { populateShop } from "./generator.ts";
import { parseGid } from "./ids.ts";
import type { TokenResponse } from "./oauth.ts";
import type { OrderRecord } from "./records.ts";
import { cents, quantityOf, storedQuantityNames } from "./records.ts";
import type { RequestLogEntry } from "./request-log.ts";
import type { Simulation } from "./simulation.ts";
import { type Collection, levelKey, plans, type ShopState } from "./store.ts";
import { customerView, inventoryView, orderView, productView, shopView } from "./views.ts";
import {
  customerBody,
  customerRedactBody,
  dataRequestBody,
  inventoryLevelBody,
  orderBody,
  productBody,
  refundBody,
  returnBody,
  scopesUpdateBody,
  shopRedactBody,
} from "./webhook-payloads.ts";
import type { WebhookDeliveryEntry, WebhookFaultInput } from "./webhooks.ts";

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be a *.myshopify.com domain");
const count = z.number().int().min(0).max(5_000_000);
const price = z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d{1,2})?$/)]);
const id = z.union([z.string().min(1), z.number().int().positive()]);
const productStatus = z.enum(["ACTIVE", "DRAFT", "ARCHIVED"]);
const customerState = z.enum(["ENABLED", "DISABLED", "INVITED", "DECLINED"]);

export const createShopInput = z
  .object({
    domain,
    name: z.string().min(1).optional(),
    seed: z.union([z.number().int(), z.string()]).optional(),
    products: count.default(10),
    customers: count.default(20),
    orders: count.default(30),
    locations: z.number().int().min(1).max(3).optional(),
    plan: z.enum(Object.keys(plans) as [keyof typeof plans]).default("basic"),
    restoreRate: z.number().positive().optional(),
    maximumAvailable: z.number().int().positive().optional(),
    bulkDelayMs: z.number().int().min(0).optional(),
  })
  .strict();

const updateShopInput = z
  .object({
    restoreRate: z.number().positive().optional(),
    maximumAvailable: z.number().int().positive().optional(),
    currentlyAvailable: z.number().min(0).optional(),
    bulkDelayMs: z.number().int().min(0).optional(),
  })
  .strict();

const variantInput = z
  .object({
    option: z.string().min(1).default("Default Title"),
    sku: z.string().default(""),
    price: price.default(0),
    /** Available quantity per location, in location order. */
    available: z.array(z.number().int()).optional(),
  })
  .strict();

const createProductInput = z
  .object({
    title: z.string().min(1),
    status: productStatus.optional(),
    vendor: z.string().optional(),
    productType: z.string().optional(),
    tags: z.array(z.string()).optional(),
    description: z.string().optional(),
    optionName: z.string().optional(),
    variants: z
      .array(variantInput)
      .min(1)
      .max(2048)
      .default([{ option: "Default Title", sku: "", price: 0 }]),
  })
  .strict();

const updateProductInput = createProductInput
  .omit({ variants: true, optionName: true })
  .partial()
  .strict();

const updateVariantInput = z
  .object({
    sku: z.string().optional(),
    price: price.optional(),
    option: z.string().min(1).optional(),
    barcode: z.string().nullable().optional(),
  })
  .strict();

const customerInput = z
  .object({
    firstName: z.string().nullable().optional(),
    lastName: z.string().nullable().optional(),
    email: z.email().nullable().optional(),
    phone: z.string().nullable().optional(),
    state: customerState.optional(),
    tags: z.array(z.string()).optional(),
    note: z.string().nullable().optional(),
  })
  .strict();

const placeOrderInput = z
  .object({
    lineItems: z
      .array(
        z
          .object({
            variantId: id.optional(),
            sku: z.string().min(1).optional(),
            quantity: z.number().int().min(1).max(10_000),
          })
          .strict()
          .refine(
            (l) => (l.variantId === undefined) !== (l.sku === undefined),
            "give variantId or sku",
          ),
      )
      .min(1),
    customerId: id.nullable().optional(),
    email: z.email().nullable().optional(),
    locationId: id.optional(),
  })
  .strict();

const cancelOrderInput = z
  .object({
    reason: z
      .enum(["CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "OTHER", "STAFF"])
      .default("CUSTOMER"),
  })
  .strict();

/** Units of an order's line items, each with what becomes of them (`how`). */
const lineUnits = <T extends z.ZodRawShape>(how: T) =>
  z.array(z.object({ lineItemId: id, quantity: z.number().int().min(1), ...how }).strict()).min(1);

const refundOrderInput = z
  .object({
    lineItems: lineUnits({
      restockType: z.enum(["RETURN", "CANCEL", "NO_RESTOCK"]).default("RETURN"),
    }),
  })
  .strict();

const processReturnInput = z
  .object({
    /** `restock`: `RESTOCKED` at the order's location, else `NOT_RESTOCKED`. */
    lineItems: lineUnits({ restock: z.boolean().default(true) }),
    /** Whether `returnProcess` also refunds the returned units (`financialTransfer`). */
    refund: z.boolean().default(false),
    /** Each unit processed by its own `returnProcess`: a disposition, and a refund, per unit. */
    unitByUnit: z.boolean().default(false),
    /** Over how many reverse fulfillment orders the line items are spread, in turn. */
    reverseFulfillmentOrders: z.number().int().min(1).default(1),
  })
  .strict()
  .refine((input) => input.reverseFulfillmentOrders <= input.lineItems.length, {
    message: "every reverse fulfillment order needs a line item",
    path: ["reverseFulfillmentOrders"],
  });

const editOrderInput = z
  .object({
    lineItemId: id,
    quantity: z.number().int().min(0).max(10_000),
    restock: z.boolean().default(true),
  })
  .strict();

const fulfillOrderInput = z
  .object({ trackingCompany: z.string().default("DHL"), trackingNumber: z.string().optional() })
  .strict();

const inventoryQuery = z
  .object({ sku: z.string().optional(), inventoryItemId: id.optional(), locationId: id.optional() })
  .strict();

const setInventoryInput = z
  .object({
    sku: z.string().optional(),
    inventoryItemId: id.optional(),
    locationId: id.optional(),
    name: z.enum([...storedQuantityNames, "on_hand"]).default("available"),
    quantity: z.number().int(),
  })
  .strict()
  .refine(
    (i) => (i.sku === undefined) !== (i.inventoryItemId === undefined),
    "give inventoryItemId or sku",
  );

const clockInput = z
  .object({
    advanceMs: z.number().int().optional(),
    set: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((c) => (c.advanceMs === undefined) !== (c.set === undefined), "give advanceMs or set");

const tokenInput = z
  .object({ scope: z.string().optional(), expiring: z.boolean().default(false) })
  .strict();

const tokenTarget = z.object({ token: z.string().optional() }).strict();

const tokenFailureInput = z
  .object({
    status: z.number().int().min(400).max(599).default(400),
    error: z.string().default("invalid_request"),
    errorDescription: z.string().default("The token exchange failed (simulated)."),
  })
  .strict();

const installInput = z
  .object({
    clientId: z.string().optional(),
    scope: z.string(),
    redirectUri: z.url(),
    state: z.string().optional(),
  })
  .strict();

const appWebhookInput = z.object({ uri: z.url().nullable() }).strict();

const customerRequestInput = z
  .object({
    customerId: id,
    /** The orders named in the request; all of the customer's when omitted. */
    orderIds: z.array(id).optional(),
  })
  .strict();

const scopesInput = z.object({ scope: z.string() }).strict();

const DEFAULT_SCOPES =
  "read_products,read_orders,read_all_orders,read_customers,read_fulfillments,read_inventory,write_inventory,read_locations";

/** A record's number from a GID of the right type or a plain number. */
function numOf(value: string | number, type: string): number {
  if (typeof value === "number") return value;
  if (/^\d+$/.test(value)) return Number(value);
  const parsed = parseGid(value);
  if (parsed?.type !== type) throw new ControlError(400, `${value} is not a ${type} id`);
  return parsed.num;
}

function lineOf(order: OrderRecord, lineItemId: string | number) {
  const num = numOf(lineItemId, "LineItem");
  const line = order.lineItems.find((candidate) => candidate.num === num);
  if (!line) throw notFound(`line item ${lineItemId} of ${order.name}`);
  return line;
}

function find<T extends { num: number }>(
  collection: Collection<T>,
  value: string | number,
  type: string,
): T {
  const record = collection.get(numOf(value, type));
  if (!record) throw notFound(`${type} ${value}`);
  return record;
}

export class Control {
  protected readonly sim: Simulation;

  constructor(sim: Simulation) {
    this.sim = sim;
  }

  /** Creates a shop with a generated roastery catalogue (deterministic from `seed`). */
  createShop(input: z.input<typeof createShopInput>) {
    const options = createShopInput.parse(input);
    if (this.sim.shops.has(options.domain))
      throw new ControlError(409, `${options.domain} exists already`);
    const shop = this.sim.addShop({
      domain: options.domain,
      name: options.name,
      plan: options.plan,
      restoreRate: options.restoreRate ?? this.sim.options.restoreRate,
      maximumAvailable: options.maximumAvailable ?? this.sim.options.maximumAvailable,
      bulkDelayMs: options.bulkDelayMs ?? this.sim.options.bulkDelayMs,
    });
    populateShop(shop, options.seed ?? options.domain, options, this.sim.clock);
    return shopView(shop);
  }

  listShops() {
    return [...this.sim.shops.values()].map(shopView);
  }

  getShop(shopDomain: string) {
    return shopView(this.#shop(shopDomain));
  }

  /** Changes a shop's rate limit (and fills or drains its bucket) or its bulk delay. */
  updateShop(shopDomain: string, input: z.input<typeof updateShopInput>) {
    const shop = this.#shop(shopDomain);
    const settings = updateShopInput.parse(input);
    shop.bucket.configure(settings, this.sim.clock.now());
    if (settings.bulkDelayMs !== undefined) shop.bulkDelayMs = settings.bulkDelayMs;
    return { ...shopView(shop), throttleStatus: shop.bucket.status(this.sim.clock.now()) };
  }

  deleteShop(shopDomain: string): void {
    const shop = this.#shop(shopDomain);
    this.sim.oauth.revoke(shop.domain);
    this.sim.shops.delete(shop.domain);
  }

  createProduct(shopDomain: string, input: z.input<typeof createProductInput>) {
    const shop = this.#shop(shopDomain);
    const { variants, ...product } = createProductInput.parse(input);
    const created = createProduct(shop, this.sim.clock.iso(), {
      ...product,
      variants: variants.map((v) => ({ ...v, priceCents: cents(String(v.price)) })),
    });
    this.sim.webhooks.emit(shop, "products/create", productBody(created));
    return productView(created);
  }

  updateProduct(
    shopDomain: string,
    productId: string | number,
    input: z.input<typeof updateProductInput>,
  ) {
    const shop = this.#shop(shopDomain);
    const product = find(shop.products, productId, "Product");
    updateProduct(shop, product, this.sim.clock.iso(), updateProductInput.parse(input));
    this.sim.webhooks.emit(shop, "products/update", productBody(product));
    return productView(product);
  }

  /** Deletes a product; `deletionEvents(subjectTypes: [PRODUCT])` reports it. */
  deleteProduct(shopDomain: string, productId: string | number): void {
    const shop = this.#shop(shopDomain);
    const product = find(shop.products, productId, "Product");
    deleteProduct(shop, product, this.sim.clock.iso());
    this.sim.webhooks.emit(shop, "products/delete", { id: product.num });
  }

  updateVariant(
    shopDomain: string,
    variantId: string | number,
    input: z.input<typeof updateVariantInput>,
  ) {
    const shop = this.#shop(shopDomain);
    const variant = find(shop.variants, variantId, "ProductVariant");
    const { price: newPrice, ...patch } = updateVariantInput.parse(input);
    updateVariant(shop, variant, this.sim.clock.iso(), {
      ...patch,
      priceCents: newPrice === undefined ? undefined : cents(String(newPrice)),
    });
    this.sim.webhooks.emit(shop, "products/update", productBody(variant.product));
    return productView(variant.product);
  }

  deleteVariant(shopDomain: string, variantId: string | number): void {
    const shop = this.#shop(shopDomain);
    const variant = find(shop.variants, variantId, "ProductVariant");
    deleteVariant(shop, variant, this.sim.clock.iso());
    this.sim.webhooks.emit(shop, "products/update", productBody(variant.product));
  }

  createCustomer(shopDomain: string, input: z.input<typeof customerInput>) {
    const shop = this.#shop(shopDomain);
    const customer = createCustomer(shop, this.sim.clock.iso(), customerInput.parse(input));
    this.sim.webhooks.emit(shop, "customers/create", customerBody(customer));
    return customerView(customer);
  }

  updateCustomer(
    shopDomain: string,
    customerId: string | number,
    input: z.input<typeof customerInput>,
  ) {
    const shop = this.#shop(shopDomain);
    const customer = find(shop.customers, customerId, "Customer");
    updateCustomer(shop, customer, this.sim.clock.iso(), customerInput.parse(input));
    this.sim.webhooks.emit(shop, "customers/update", customerBody(customer));
    return customerView(customer);
  }

  /** Places a paid order: `available` falls and `committed` rises at the location (primary by default). */
  placeOrder(shopDomain: string, input: z.input<typeof placeOrderInput>) {
    const shop = this.#shop(shopDomain);
    const order = placeOrderInput.parse(input);
    const lines = order.lineItems.map((line) => {
      const variant =
        line.variantId !== undefined
          ? find(shop.variants, line.variantId, "ProductVariant")
          : shop.variants.items.find((v) => v.sku === line.sku);
      if (!variant) throw notFound(`variant with SKU ${line.sku}`);
      return { variant, quantity: line.quantity };
    });
    const customer =
      order.customerId == null ? null : find(shop.customers, order.customerId, "Customer");
    const location =
      order.locationId === undefined
        ? primaryLocation(shop)
        : find(shop.locations, order.locationId, "Location");
    const placed = placeOrder(shop, this.sim.clock.iso(), {
      lines,
      customer,
      location,
      email: order.email,
    });
    this.sim.webhooks.emit(shop, "orders/create", orderBody(placed));
    this.#emitLevels(shop, placed);
    return orderView(placed);
  }

  /** Cancels an order and restocks what was not shipped. */
  cancelOrder(
    shopDomain: string,
    orderId: string | number,
    input: z.input<typeof cancelOrderInput> = {},
  ) {
    const shop = this.#shop(shopDomain);
    const order = find(shop.orders, orderId, "Order");
    if (order.cancelledAt) throw new ControlError(409, `${order.name} is cancelled already`);
    cancelOrder(shop, order, this.sim.clock.iso(), cancelOrderInput.parse(input).reason);
    this.sim.webhooks.emit(shop, "orders/cancelled", orderBody(order));
    this.sim.webhooks.emit(shop, "orders/updated", orderBody(order));
    this.#emitLevels(shop, order);
    return orderView(order);
  }

  /** Refunds line items, restocking them as asked (Admin API `refundCreate`). */
  refundOrder(
    shopDomain: string,
    orderId: string | number,
    input: z.input<typeof refundOrderInput>,
  ) {
    const shop = this.#shop(shopDomain);
    const order = find(shop.orders, orderId, "Order");
    const lines = refundOrderInput.parse(input).lineItems.map((refunded) => {
      const line = lineOf(order, refunded.lineItemId);
      if (refunded.quantity > line.currentQuantity) {
        throw new ControlError(409, `${line.id} has only ${line.currentQuantity} to refund`);
      }
      if (refunded.restockType === "CANCEL" && refunded.quantity > line.unfulfilledQuantity) {
        throw new ControlError(409, `${line.id} has only ${line.unfulfilledQuantity} not shipped`);
      }
      return { line, quantity: refunded.quantity, restockType: refunded.restockType };
    });
    const refund = refundOrder(shop, order, this.sim.clock.iso(), lines);
    this.sim.webhooks.emit(shop, "refunds/create", refundBody(refund));
    this.sim.webhooks.emit(shop, "orders/updated", orderBody(order));
    return {
      id: refund.id,
      createdAt: refund.createdAt,
      refundLineItems: refund.refundLineItems.map((item) => ({
        id: item.id,
        lineItemId: item.lineItem.id,
        quantity: item.quantity,
        restockType: item.restockType,
        restocked: item.restocked,
      })),
    };
  }

  /**
   * Returns shipped units, processed at once (Admin API `returnCreate`, then `returnProcess` with
   * a disposition per line and, when asked, a refund).
   */
  processReturn(
    shopDomain: string,
    orderId: string | number,
    input: z.input<typeof processReturnInput>,
  ) {
    const shop = this.#shop(shopDomain);
    const order = find(shop.orders, orderId, "Order");
    const parsed = processReturnInput.parse(input);
    // A line may come more than once: what it returns in all counts.
    const taken = new Map<string, number>();
    const lines = parsed.lineItems.map((returned) => {
      const line = lineOf(order, returned.lineItemId);
      const quantity = (taken.get(line.id) ?? 0) + returned.quantity;
      taken.set(line.id, quantity);
      const open = returnableQuantity(order, line);
      if (quantity > open) {
        throw new ControlError(409, `${line.id} has only ${open} shipped and not returned`);
      }
      if (parsed.refund && quantity > line.currentQuantity) {
        throw new ControlError(409, `${line.id} has only ${line.currentQuantity} to refund`);
      }
      return { line, quantity: returned.quantity, restock: returned.restock };
    });
    const returned = processReturn(shop, order, this.sim.clock.iso(), lines, parsed);
    this.sim.webhooks.emit(shop, "returns/process", returnBody(returned));
    for (const refund of returned.refunds) {
      this.sim.webhooks.emit(shop, "refunds/create", refundBody(refund));
    }
    this.sim.webhooks.emit(shop, "orders/updated", orderBody(order));
    this.#emitLevels(shop, order);
    return {
      id: returned.id,
      status: returned.status,
      refundIds: returned.refunds.map((refund) => refund.id),
      dispositions: returned.reverseFulfillmentOrders.flatMap((rfo) =>
        rfo.lineItems.flatMap((item) =>
          item.dispositions.map((disposition) => ({
            id: disposition.id,
            lineItemId: item.fulfillmentLineItem.lineItem.id,
            type: disposition.type,
            quantity: disposition.quantity,
          })),
        ),
      ),
    };
  }

  /**
   * An order edit that sets one line's quantity, committed at once (Admin API `orderEditBegin`,
   * `orderEditSetQuantity`, `orderEditCommit`); units removed must not be shipped yet.
   */
  editOrder(shopDomain: string, orderId: string | number, input: z.input<typeof editOrderInput>) {
    const shop = this.#shop(shopDomain);
    const order = find(shop.orders, orderId, "Order");
    if (order.cancelledAt) throw new ControlError(409, `${order.name} is cancelled`);
    const edit = editOrderInput.parse(input);
    const line = lineOf(order, edit.lineItemId);
    if (line.currentQuantity - edit.quantity > line.unfulfilledQuantity) {
      throw new ControlError(409, `${line.id} has only ${line.unfulfilledQuantity} not shipped`);
    }
    editLineItemQuantity(shop, order, this.sim.clock.iso(), { ...edit, line });
    this.sim.webhooks.emit(shop, "orders/edited", {
      order_edit: { order_id: order.num, committed_at: order.updatedAt },
    });
    this.sim.webhooks.emit(shop, "orders/updated", orderBody(order));
    return orderView(order);
  }

  /** Ships the open lines: `committed` and `on_hand` fall. */
  fulfillOrder(
    shopDomain: string,
    orderId: string | number,
    input: z.input<typeof fulfillOrderInput> = {},
  ) {
    const shop = this.#shop(shopDomain);
    const order = find(shop.orders, orderId, "Order");
    if (order.cancelledAt) throw new ControlError(409, `${order.name} is cancelled`);
    if (order.lineItems.every((l) => l.unfulfilledQuantity === 0)) {
      throw new ControlError(409, `${order.name} has nothing left to fulfil`);
    }
    const tracking = fulfillOrderInput.parse(input);
    fulfillOrder(shop, order, this.sim.clock.iso(), {
      company: tracking.trackingCompany,
      number: tracking.trackingNumber ?? String(1_000_000_000_000 + (order.num % 1_000_000_000)),
    });
    this.sim.webhooks.emit(shop, "orders/fulfilled", orderBody(order));
    this.sim.webhooks.emit(shop, "orders/updated", orderBody(order));
    this.#emitLevels(shop, order);
    return orderView(order);
  }

  /** Inventory levels, filtered by SKU, item and/or location. */
  getInventory(shopDomain: string, query: z.input<typeof inventoryQuery> = {}) {
    const shop = this.#shop(shopDomain);
    const filter = inventoryQuery.parse(query);
    const itemNum =
      filter.inventoryItemId === undefined
        ? undefined
        : numOf(filter.inventoryItemId, "InventoryItem");
    const locationNum =
      filter.locationId === undefined ? undefined : numOf(filter.locationId, "Location");
    return [...shop.inventoryLevels.values()]
      .filter(
        (level) =>
          (filter.sku === undefined || level.item.sku === filter.sku) &&
          (itemNum === undefined || level.item.num === itemNum) &&
          (locationNum === undefined || level.location.num === locationNum),
      )
      .map(inventoryView);
  }

  /** Sets a quantity directly (as the merchant would in the admin); `on_hand` moves `available`. */
  setInventory(shopDomain: string, input: z.input<typeof setInventoryInput>) {
    const shop = this.#shop(shopDomain);
    const target = setInventoryInput.parse(input);
    const item =
      target.inventoryItemId !== undefined
        ? find(shop.inventoryItems, target.inventoryItemId, "InventoryItem")
        : shop.inventoryItems.items.find((i) => i.sku === target.sku);
    if (!item) throw notFound(`inventory item with SKU ${target.sku}`);
    const location =
      target.locationId === undefined
        ? primaryLocation(shop)
        : find(shop.locations, target.locationId, "Location");
    const at = this.sim.clock.iso();
    const level = inventoryLevel(shop, item, location, at);
    const current = quantityOf(level.amounts, target.name);
    adjustQuantity(
      shop,
      level,
      target.name === "on_hand" ? "available" : target.name,
      target.quantity - current,
      at,
    );
    this.sim.webhooks.emit(shop, "inventory_levels/update", inventoryLevelBody(level));
    return inventoryView(level);
  }

  now(): string {
    return new Date(this.sim.clock.now()).toISOString();
  }

  /** Moves simulated time (token and code expiry, bucket refill, timestamps of new changes). */
  setClock(input: z.input<typeof clockInput>): string {
    const change = clockInput.parse(input);
    if (change.advanceMs !== undefined) this.sim.clock.advance(change.advanceMs);
    if (change.set !== undefined) this.sim.clock.set(new Date(change.set));
    return this.now();
  }

  advanceClock(ms: number): string {
    return this.setClock({ advanceMs: ms });
  }

  setFaults(shopDomain: string, input: FaultConfigInput) {
    const shop = this.#shop(shopDomain);
    shop.faults.configure(input);
    return shop.faults.config;
  }

  clearFaults(shopDomain: string) {
    return this.setFaults(shopDomain, {});
  }

  /** An access token without going through OAuth (all of the project's scopes by default). */
  createAccessToken(shopDomain: string, input: z.input<typeof tokenInput> = {}): TokenResponse {
    const shop = this.#shop(shopDomain);
    const options = tokenInput.parse(input);
    return this.sim.oauth.issue(shop.domain, options.scope ?? DEFAULT_SCOPES, options.expiring);
  }

  revokeTokens(shopDomain: string, input: z.input<typeof tokenTarget> = {}): { revoked: number } {
    const shop = this.#shop(shopDomain);
    return { revoked: this.sim.oauth.revoke(shop.domain, tokenTarget.parse(input).token) };
  }

  /** Makes one or all of the shop's access and refresh tokens expire now. */
  expireTokens(shopDomain: string, input: z.input<typeof tokenTarget> = {}): { expired: number } {
    const shop = this.#shop(shopDomain);
    return { expired: this.sim.oauth.expire(shop.domain, tokenTarget.parse(input).token) };
  }

  failNextTokenExchange(shopDomain: string, input: z.input<typeof tokenFailureInput> = {}): void {
    const shop = this.#shop(shopDomain);
    this.sim.oauth.failNextExchange(shop.domain, tokenFailureInput.parse(input));
  }

  /** Clicks "Installieren" for the merchant: the signed redirect URL back to the app. */
  install(shopDomain: string, input: z.input<typeof installInput>): { redirectUrl: string } {
    const shop = this.#shop(shopDomain);
    const request = installInput.parse(input);
    try {
      return {
        redirectUrl: this.sim.oauth.approve(shop.domain, {
          ...request,
          clientId: request.clientId ?? this.sim.options.apiKey,
        }),
      };
    } catch (error) {
      throw new ControlError(400, (error as Error).message);
    }
  }

  /** The app configuration's webhook address: compliance topics and `app/uninstalled` go there. */
  setAppWebhookUri(input: z.input<typeof appWebhookInput>): { uri: string | null } {
    this.sim.webhooks.appUri = appWebhookInput.parse(input).uri;
    return { uri: this.sim.webhooks.appUri };
  }

  /** Fault modes of every webhook delivery from now on: duplicates, late, forged. */
  setWebhookFaults(input: WebhookFaultInput) {
    return this.sim.webhooks.setFaults(input);
  }

  /** The shop's shop-level webhook subscriptions. */
  webhookSubscriptions(shopDomain: string) {
    return this.#shop(shopDomain).webhookSubscriptions.items.map(({ id, topic, uri }) => ({
      id,
      topic,
      uri,
    }));
  }

  /** Every delivery so far (each attempt counted), optionally of one shop. */
  webhookDeliveries(filter: { shop?: string } = {}): WebhookDeliveryEntry[] {
    return this.sim.webhooks.deliveries.filter((d) => !filter.shop || d.shop === filter.shop);
  }

  /** Resolves once no webhook delivery is under way or waiting for a retry. */
  webhooksIdle(): Promise<void> {
    return this.sim.webhooks.idle();
  }

  /** The merchant uninstalls the app in the Shopify admin. */
  uninstallApp(shopDomain: string): void {
    this.sim.uninstall(this.#shop(shopDomain));
  }

  /** Shopify's `shop/redact`, sent 48 hours after an uninstall. */
  redactShop(shopDomain: string): void {
    const shop = this.#shop(shopDomain);
    this.sim.webhooks.emit(shop, "shop/redact", shopRedactBody(shop));
  }

  /** A customer asked the shop to erase their data: `customers/redact`. */
  redactCustomer(shopDomain: string, input: z.input<typeof customerRequestInput>): void {
    const shop = this.#shop(shopDomain);
    const { customer, orders } = this.#customerRequest(shop, input);
    this.sim.webhooks.emit(shop, "customers/redact", customerRedactBody(shop, customer, orders));
  }

  /** A customer asked for their data: `customers/data_request`. */
  requestCustomerData(shopDomain: string, input: z.input<typeof customerRequestInput>): void {
    const shop = this.#shop(shopDomain);
    const { customer, orders } = this.#customerRequest(shop, input);
    const body = dataRequestBody(shop, customer, orders, this.sim.clock.now());
    this.sim.webhooks.emit(shop, "customers/data_request", body);
  }

  /** The merchant changed the app's granted scopes: `app/scopes_update`. */
  updateScopes(shopDomain: string, input: z.input<typeof scopesInput>): void {
    const shop = this.#shop(shopDomain);
    const current = scopesInput.parse(input).scope.split(",").filter(Boolean);
    const body = scopesUpdateBody(DEFAULT_SCOPES.split(","), current, this.sim.clock.iso());
    this.sim.webhooks.emit(shop, "app/scopes_update", body);
  }

  #customerRequest(shop: ShopState, input: z.input<typeof customerRequestInput>) {
    const request = customerRequestInput.parse(input);
    const customer = find(shop.customers, request.customerId, "Customer");
    const orders = request.orderIds
      ? request.orderIds.map((orderId) => find(shop.orders, orderId, "Order"))
      : customer.orders;
    return { customer, orders };
  }

  /** `inventory_levels/update` for the levels an order moved. */
  #emitLevels(shop: ShopState, order: OrderRecord): void {
    const levels = new Set(
      order.lineItems.flatMap((line) => {
        const level =
          line.variant &&
          shop.inventoryLevels.get(levelKey(line.variant.inventoryItem.num, order.location.num));
        return level ? [level] : [];
      }),
    );
    for (const level of levels) {
      this.sim.webhooks.emit(shop, "inventory_levels/update", inventoryLevelBody(level));
    }
  }

  requests(filter: { shop?: string } = {}): RequestLogEntry[] {
    return this.sim.log.entries(filter.shop);
  }

  clearRequests(): void {
    this.sim.log.clear();
  }

  #shop(shopDomain: string): ShopState {
    const shop = this.sim.shops.get(domain.parse(shopDomain));
    if (!shop) throw notFound(`shop ${shopDomain}`);
    return shop;
  }
}
