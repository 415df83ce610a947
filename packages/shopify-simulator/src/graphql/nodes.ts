import { GraphQLError } from "graphql";
import { parseGid } from "../ids.ts";
import { levelKey, type ShopState } from "../store.ts";

/** The record behind a GID, for `node(id:)`, `nodes(ids:)` and the typed `product(id:)` etc. */
export function findNode(shop: ShopState, id: string): { id: string } | null {
  const parsed = parseGid(id);
  if (!parsed) {
    throw new GraphQLError(`Invalid global id '${id}'`, {
      extensions: { code: "argumentLiteralsIncompatible", typeName: "CoercionError" },
    });
  }
  const { num } = parsed;
  switch (parsed.type) {
    case "Product":
      return shop.products.get(num) ?? null;
    case "ProductVariant":
      return shop.variants.get(num) ?? null;
    case "InventoryItem":
      return shop.inventoryItems.get(num) ?? null;
    case "InventoryLevel":
      return (
        shop.inventoryLevels.get(levelKey(Number(parsed.params.get("inventory_item_id")), num)) ??
        null
      );
    case "Location":
      return shop.locations.get(num) ?? null;
    case "Order":
      return shop.orders.get(num) ?? null;
    case "Customer":
      return shop.customers.get(num) ?? null;
    case "Fulfillment":
      return shop.fulfillments.get(num) ?? null;
    case "Refund":
      return shop.refunds.get(num) ?? null;
    case "Return":
      return shop.returns.get(num) ?? null;
    case "ReverseFulfillmentOrder":
      return shop.reverseFulfillmentOrders.get(num) ?? null;
    case "BulkOperation":
      return shop.bulkOperations.get(num) ?? null;
    case "WebhookSubscription":
      return shop.webhookSubscriptions.get(num) ?? null;
    case "Shop":
      return shop.shop.id === id ? shop.shop : null;
    default:
      return null;
  }
}

export function findTyped<T>(shop: ShopState, id: string, type: string): T | null {
  const node = findNode(shop, id);
  return node && typeName(node) === type ? (node as T) : null;
}

/** Every stored record carries its GID, which names its GraphQL type. */
export function typeName(value: { id: string }): string | undefined {
  return parseGid(value.id)?.type;
}
