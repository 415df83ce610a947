/** Plain JSON views of records for the control API (records themselves are cyclic). */
import type {
  CustomerRecord,
  InventoryLevelRecord,
  OrderRecord,
  ProductRecord,
} from "./records.ts";
import { onHand } from "./records.ts";
import type { ShopState } from "./store.ts";

export function shopView(shop: ShopState) {
  return {
    domain: shop.domain,
    name: shop.shop.name,
    plan: shop.plan,
    throttle: {
      maximumAvailable: shop.bucket.maximumAvailable,
      restoreRate: shop.bucket.restoreRate,
    },
    bulkDelayMs: shop.bulkDelayMs,
    counts: {
      products: shop.products.size,
      variants: shop.variants.size,
      customers: shop.customers.size,
      orders: shop.orders.size,
      locations: shop.locations.size,
    },
    locations: shop.locations.items.map((l) => ({
      id: l.id,
      name: l.name,
      isPrimary: l.isPrimary,
    })),
  };
}

export function productView(product: ProductRecord) {
  return {
    id: product.id,
    title: product.title,
    handle: product.handle,
    status: product.status,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    variants: product.variants.map((v) => ({
      id: v.id,
      title: v.title,
      sku: v.sku,
      price: v.price,
      inventoryItemId: v.inventoryItem.id,
      updatedAt: v.updatedAt,
    })),
  };
}

export function customerView(customer: CustomerRecord) {
  return {
    id: customer.id,
    firstName: customer.firstName,
    lastName: customer.lastName,
    email: customer.email,
    state: customer.state,
    numberOfOrders: customer.orders.length,
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
  };
}

export function orderView(order: OrderRecord) {
  return {
    id: order.id,
    name: order.name,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    cancelledAt: order.cancelledAt,
    closed: order.closed,
    displayFulfillmentStatus: order.displayFulfillmentStatus,
    customerId: order.customer?.id ?? null,
    locationId: order.location.id,
    totalPrice: order.totalPriceSet.shopMoney.amount,
    lineItems: order.lineItems.map((l) => ({
      id: l.id,
      sku: l.sku,
      quantity: l.quantity,
      currentQuantity: l.currentQuantity,
      unfulfilledQuantity: l.unfulfilledQuantity,
      variantId: l.variant?.id ?? null,
    })),
    fulfillments: order.fulfillments.map((f) => ({
      id: f.id,
      status: f.status,
      createdAt: f.createdAt,
      trackingInfo: f.trackingInfo,
    })),
  };
}

export function inventoryView(level: InventoryLevelRecord) {
  return {
    id: level.id,
    inventoryItemId: level.item.id,
    variantId: level.item.variant.id,
    sku: level.item.sku,
    locationId: level.location.id,
    quantities: { ...level.amounts, on_hand: onHand(level.amounts) },
    updatedAt: level.updatedAt,
  };
}
