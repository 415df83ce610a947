import type { MirrorTable } from "@roestify/db";
import { gidNumber } from "../shop-domain.ts";

/** A Shopify node as a query or a bulk JSONL line returned it. */
export type ShopifyNode = Record<string, unknown> & { id: string; __parentId?: string };

/** A mirror row as the writers take it: column name → value (JSON-compatible). */
export type Row = Record<string, unknown>;

/**
 * Where a row goes: a mirror table, or — for a bulk file's order line items, which arrive as lines
 * of their own and possibly before or long after their order — the run's line-item staging.
 */
export type RowTarget = MirrorTable | "order_line_items";

export type Emit = (target: RowTarget, row: Row) => void;

interface Money {
  shopMoney: { amount: string };
}

const idOf = (value: unknown) => {
  const id = (value as { id?: string } | null | undefined)?.id;
  return id ? gidNumber(id) : null;
};
const amount = (value: unknown) => (value as Money | null)?.shopMoney.amount ?? null;

/** The GID's type: `gid://shopify/ProductVariant/1` → `ProductVariant`. */
function gidType(gid: string): string {
  return /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(gid)?.[1] ?? "";
}

/**
 * A jsonb value as JSON text already: a bulk line's node as Shopify wrote it, sent to the
 * database as it is instead of parsed and encoded again (most of a bulk file's bytes).
 */
export class JsonText {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/**
 * The node as Shopify sent it, without the bulk bookkeeping and nested connections (own rows):
 * the bulk line's text when it holds no more than that. Shopify writes a child's `__parentId`
 * as the line's last key.
 */
function rawOf(node: ShopifyNode, line: string | undefined, ...nested: string[]): Row | JsonText {
  if (line !== undefined && !nested.some((key) => key in node)) {
    if (node.__parentId === undefined) return new JsonText(line);
    const parent = `,"__parentId":${JSON.stringify(node.__parentId)}}`;
    if (line.endsWith(parent)) return new JsonText(`${line.slice(0, -parent.length)}}`);
  }
  const { __parentId: _, ...raw } = node;
  for (const key of nested) delete raw[key];
  return raw;
}

function lineItemOf(node: ShopifyNode) {
  return {
    id: Number(gidNumber(node.id)),
    variant_id: node.variant ? Number(idOf(node.variant)) : null,
    sku: (node.sku as string | null) ?? null,
    quantity: node.quantity as number,
    current_quantity: node.currentQuantity as number,
    name: node.name as string,
  };
}

function emitOrder(node: ShopifyNode, emit: Emit, line: string | undefined) {
  const lineItems = node.lineItems as { nodes: ShopifyNode[] } | undefined;
  const orderId = gidNumber(node.id);
  emit("shopify_orders", {
    shopify_id: orderId,
    name: node.name,
    email: node.email ?? null,
    financial_status: node.displayFinancialStatus ?? null,
    fulfillment_status: node.displayFulfillmentStatus ?? null,
    total_price: amount(node.totalPriceSet),
    subtotal_price: amount(node.subtotalPriceSet),
    total_tax: amount(node.totalTaxSet),
    currency: node.currencyCode ?? null,
    customer_id: idOf(node.customer),
    processed_at: node.processedAt ?? null,
    cancelled_at: node.cancelledAt ?? null,
    closed_at: node.closedAt ?? null,
    // Absent in bulk lines: their line items are staged and merged once the file is read.
    ...(lineItems ? { line_items: lineItems.nodes.map(lineItemOf) } : {}),
    raw: rawOf(node, line, "lineItems"),
    shopify_created_at: node.createdAt ?? null,
    shopify_updated_at: node.updatedAt,
  });
  for (const fulfillment of (node.fulfillments as ShopifyNode[] | undefined) ?? []) {
    const tracking =
      (fulfillment.trackingInfo as {
        company: string | null;
        number: string | null;
        url: string | null;
      }[]) ?? [];
    emit("shopify_fulfillments", {
      shopify_id: gidNumber(fulfillment.id),
      order_id: orderId,
      status: fulfillment.status,
      tracking_company: tracking[0]?.company ?? null,
      tracking_numbers: tracking.map((info) => info.number).filter(Boolean),
      tracking_urls: tracking.map((info) => info.url).filter(Boolean),
      raw: fulfillment,
      shopify_created_at: fulfillment.createdAt ?? null,
      shopify_updated_at: fulfillment.updatedAt ?? null,
    });
  }
}

function emitInventoryLevel(node: ShopifyNode, emit: Emit, line?: string) {
  const quantities = node.quantities as { name: string; quantity: number }[];
  const quantity = (name: string) => quantities.find((q) => q.name === name)?.quantity ?? null;
  emit("shopify_inventory_levels", {
    inventory_item_id: idOf(node.item),
    location_id: idOf(node.location),
    shopify_id: gidNumber(node.id),
    available: quantity("available") ?? 0,
    on_hand: quantity("on_hand"),
    raw: rawOf(node, line),
    shopify_updated_at: node.updatedAt ?? null,
  });
}

/**
 * Turns one node (a page node, or a bulk line with its text) into mirror rows, by the type its
 * GID names. Types that have no mirror of their own (a bulk file's locations) produce nothing.
 */
export function emitMirrorRows(node: ShopifyNode, emit: Emit, line?: string): void {
  switch (gidType(node.id)) {
    case "Product":
      emit("shopify_products", {
        shopify_id: gidNumber(node.id),
        title: node.title,
        handle: node.handle,
        status: node.status,
        vendor: node.vendor ?? null,
        product_type: node.productType ?? null,
        tags: node.tags ?? [],
        raw: rawOf(node, line),
        shopify_created_at: node.createdAt ?? null,
        shopify_updated_at: node.updatedAt,
      });
      break;
    case "ProductVariant":
      emit("shopify_product_variants", {
        shopify_id: gidNumber(node.id),
        product_id: idOf(node.product) ?? (node.__parentId ? gidNumber(node.__parentId) : null),
        title: node.title,
        sku: node.sku || null,
        price: node.price ?? null,
        inventory_item_id: idOf(node.inventoryItem),
        raw: rawOf(node, line),
        shopify_updated_at: node.updatedAt ?? null,
      });
      break;
    case "Order":
      emitOrder(node, emit, line);
      break;
    case "LineItem":
      if (node.__parentId) {
        emit("order_line_items", { order_id: gidNumber(node.__parentId), item: lineItemOf(node) });
      }
      break;
    case "Customer":
      emit("shopify_customers", {
        shopify_id: gidNumber(node.id),
        email: (node.defaultEmailAddress as { emailAddress: string } | null)?.emailAddress ?? null,
        first_name: node.firstName ?? null,
        last_name: node.lastName ?? null,
        state: node.state ?? null,
        number_of_orders: node.numberOfOrders ?? 0,
        raw: rawOf(node, line),
        shopify_created_at: node.createdAt ?? null,
        shopify_updated_at: node.updatedAt,
      });
      break;
    case "InventoryLevel":
      emitInventoryLevel(node, emit, line);
      break;
    case "InventoryItem":
      for (const level of (node.inventoryLevels as { nodes: ShopifyNode[] }).nodes) {
        emitInventoryLevel(level, emit);
      }
      break;
  }
}
