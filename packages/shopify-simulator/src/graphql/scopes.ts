import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import type { RequestContext } from "./context.ts";

/** The access scope each type needs to be read. */
const typeScopes: Record<string, string> = {
  Product: "read_products",
  ProductVariant: "read_products",
  DeletionEvent: "read_products",
  InventoryItem: "read_inventory",
  InventoryLevel: "read_inventory",
  Location: "read_locations",
  Order: "read_orders",
  Fulfillment: "read_orders",
  Refund: "read_orders",
  Return: "read_returns",
  ReverseFulfillmentOrder: "read_returns",
  Customer: "read_customers",
};

/** The access scope each root field needs, by the type it returns or writes. */
const rootFieldScopes: Record<string, string> = {
  products: "read_products",
  product: "read_products",
  productsCount: "read_products",
  productVariants: "read_products",
  productVariant: "read_products",
  productVariantsCount: "read_products",
  deletionEvents: "read_products",
  inventoryItems: "read_inventory",
  inventoryItem: "read_inventory",
  inventoryLevel: "read_inventory",
  locations: "read_locations",
  location: "read_locations",
  locationsCount: "read_locations",
  orders: "read_orders",
  order: "read_orders",
  ordersCount: "read_orders",
  fulfillment: "read_orders",
  customers: "read_customers",
  customer: "read_customers",
  customersCount: "read_customers",
  inventorySetQuantities: "write_inventory",
  inventoryAdjustQuantities: "write_inventory",
};

/** Scopes as granted: each `write_x` implies `read_x`. */
export function grantedScopes(scope: string): Set<string> {
  const granted = new Set(
    scope
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
  for (const s of [...granted]) if (s.startsWith("write_")) granted.add(`read_${s.slice(6)}`);
  return granted;
}

/** The scope a root field needs that `scopes` lacks, if any. */
export function missingRootScope(scopes: ReadonlySet<string>, field: string): string | undefined {
  const scope = rootFieldScopes[field];
  return scope && !scopes.has(scope) ? scope : undefined;
}

export function requireRootScope(ctx: RequestContext, info: GraphQLResolveInfo): void {
  const scope = rootFieldScopes[info.fieldName];
  if (scope) demand(ctx, info, scope);
}

export function requireScope(ctx: RequestContext, info: GraphQLResolveInfo, type: string): void {
  const scope = typeScopes[type];
  if (scope) demand(ctx, info, scope);
}

function demand(ctx: RequestContext, info: GraphQLResolveInfo, scope: string): void {
  if (ctx.scopes.has(scope)) return;
  const requiredAccess = `\`${scope}\` access scope.`;
  throw new GraphQLError(
    `Access denied for ${info.fieldName} field. Required access: ${requiredAccess}`,
    {
      extensions: {
        code: "ACCESS_DENIED",
        documentation: "https://shopify.dev/api/usage/access-scopes",
        requiredAccess,
      },
    },
  );
}
