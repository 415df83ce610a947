/** The read-only copies of Shopify data, in the order a full sync fills them. */
export const mirrorTables = [
  "shopify_products",
  "shopify_product_variants",
  "shopify_orders",
  "shopify_fulfillments",
  "shopify_customers",
  "shopify_inventory_levels",
] as const;

export type MirrorTable = (typeof mirrorTables)[number];
