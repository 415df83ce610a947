/**
 * Webhook bodies as Shopify sends them: REST-shaped JSON (snake_case, numeric `id`,
 * `admin_graphql_api_id`), not GraphQL nodes. Only the fields the records hold.
 */
import type {
  BulkOperationRecord,
  CustomerRecord,
  InventoryLevelRecord,
  OrderRecord,
  ProductRecord,
  RefundRecord,
  ReturnRecord,
} from "./records.ts";
import type { ShopState } from "./store.ts";

const shopNum = (shop: ShopState) => Number(shop.shop.id.split("/").pop());

export function productBody(product: ProductRecord) {
  return {
    id: product.num,
    admin_graphql_api_id: product.id,
    title: product.title,
    handle: product.handle,
    body_html: product.descriptionHtml,
    vendor: product.vendor,
    product_type: product.productType,
    status: product.status.toLowerCase(),
    tags: product.tags.join(", "),
    created_at: product.createdAt,
    updated_at: product.updatedAt,
    published_at: product.publishedAt,
    variants: product.variants.map((variant) => ({
      id: variant.num,
      admin_graphql_api_id: variant.id,
      product_id: product.num,
      title: variant.title,
      sku: variant.sku,
      price: variant.price,
      barcode: variant.barcode,
      position: variant.position,
      inventory_item_id: variant.inventoryItem.num,
      created_at: variant.createdAt,
      updated_at: variant.updatedAt,
    })),
  };
}

export function customerBody(customer: CustomerRecord) {
  return {
    id: customer.num,
    admin_graphql_api_id: customer.id,
    email: customer.email,
    first_name: customer.firstName,
    last_name: customer.lastName,
    phone: customer.phone,
    state: customer.state.toLowerCase(),
    note: customer.note,
    tags: customer.tags.join(", "),
    orders_count: customer.orders.length,
    created_at: customer.createdAt,
    updated_at: customer.updatedAt,
  };
}

export function refundBody(refund: RefundRecord) {
  return {
    id: refund.num,
    admin_graphql_api_id: refund.id,
    order_id: refund.order.num,
    created_at: refund.createdAt,
    note: refund.note,
    refund_line_items: refund.refundLineItems.map((item) => ({
      id: item.num,
      line_item_id: item.lineItem.num,
      quantity: item.quantity,
      restock_type: item.restockType.toLowerCase(),
      location_id: item.location?.num ?? null,
    })),
  };
}

/** `returns/process`: the return and what was disposed of how. */
export function returnBody(returned: ReturnRecord) {
  return {
    id: returned.num,
    admin_graphql_api_id: returned.id,
    order_id: returned.order.num,
    status: returned.status.toLowerCase(),
    return_line_items: returned.reverseFulfillmentOrders.flatMap((rfo) =>
      rfo.lineItems.map((item) => ({
        id: item.num,
        line_item_id: item.fulfillmentLineItem.lineItem.num,
        quantity: item.totalQuantity,
        dispositions: item.dispositions.map((disposition) => ({
          type: disposition.type.toLowerCase(),
          quantity: disposition.quantity,
          location_id: disposition.location?.num ?? null,
        })),
      })),
    ),
  };
}

export function orderBody(order: OrderRecord) {
  return {
    id: order.num,
    admin_graphql_api_id: order.id,
    name: order.name,
    order_number: order.number,
    email: order.email,
    phone: order.phone,
    note: order.note,
    currency: order.currencyCode,
    financial_status: order.displayFinancialStatus.toLowerCase(),
    fulfillment_status: order.displayFulfillmentStatus === "FULFILLED" ? "fulfilled" : null,
    total_price: order.totalPriceSet.shopMoney.amount,
    subtotal_price: order.subtotalPriceSet.shopMoney.amount,
    tags: order.tags.join(", "),
    cancelled_at: order.cancelledAt,
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    closed_at: order.closedAt,
    processed_at: order.processedAt,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    customer: order.customer
      ? {
          id: order.customer.num,
          admin_graphql_api_id: order.customer.id,
          email: order.customer.email,
          first_name: order.customer.firstName,
          last_name: order.customer.lastName,
        }
      : null,
    line_items: order.lineItems.map((line) => ({
      id: line.num,
      admin_graphql_api_id: line.id,
      variant_id: line.variant?.num ?? null,
      product_id: line.product?.num ?? null,
      sku: line.sku,
      name: line.name,
      title: line.title,
      variant_title: line.variantTitle,
      quantity: line.quantity,
      current_quantity: line.currentQuantity,
      fulfillable_quantity: line.unfulfilledQuantity,
      price: line.originalUnitPriceSet.shopMoney.amount,
    })),
    fulfillments: order.fulfillments.map((fulfillment) => ({
      id: fulfillment.num,
      admin_graphql_api_id: fulfillment.id,
      order_id: order.num,
      status: fulfillment.status.toLowerCase(),
      created_at: fulfillment.createdAt,
      updated_at: fulfillment.updatedAt,
    })),
  };
}

export function inventoryLevelBody(level: InventoryLevelRecord) {
  return {
    inventory_item_id: level.item.num,
    location_id: level.location.num,
    available: level.amounts.available,
    updated_at: level.updatedAt,
    admin_graphql_api_id: level.id,
  };
}

export function shopBody(shop: ShopState) {
  return {
    id: shopNum(shop),
    name: shop.shop.name,
    email: shop.shop.email,
    domain: shop.shop.primaryDomain.host,
    myshopify_domain: shop.domain,
    currency: shop.shop.currencyCode,
    iana_timezone: shop.shop.ianaTimezone,
    plan_display_name: shop.shop.plan.publicDisplayName,
    created_at: shop.shop.createdAt,
    updated_at: shop.shop.updatedAt,
  };
}

export function shopRedactBody(shop: ShopState) {
  return { shop_id: shopNum(shop), shop_domain: shop.domain };
}

export function customerRedactBody(
  shop: ShopState,
  customer: CustomerRecord,
  orders: OrderRecord[],
) {
  return {
    ...shopRedactBody(shop),
    customer: { id: customer.num, email: customer.email, phone: customer.phone },
    orders_to_redact: orders.map((order) => order.num),
  };
}

export function dataRequestBody(
  shop: ShopState,
  customer: CustomerRecord,
  orders: OrderRecord[],
  requestId: number,
) {
  return {
    ...shopRedactBody(shop),
    orders_requested: orders.map((order) => order.num),
    customer: { id: customer.num, email: customer.email, phone: customer.phone },
    data_request: { id: requestId },
  };
}

export function bulkOperationBody(operation: BulkOperationRecord) {
  return {
    admin_graphql_api_id: operation.id,
    completed_at: operation.completedAt,
    created_at: operation.createdAt,
    error_code: operation.errorCode?.toLowerCase() ?? null,
    status: operation.status.toLowerCase(),
    type: operation.type.toLowerCase(),
  };
}

export function scopesUpdateBody(previous: string[], current: string[], at: string) {
  return { id: Date.parse(at), previous, current, updated_at: at };
}
