/** The compliance topics: Shopify takes them only from the app configuration (shopify.app.toml). */
export const complianceTopics = [
  "customers/data_request",
  "customers/redact",
  "shop/redact",
] as const;

/** Topics that name a change of mirrored data: the mirrors catch up by an incremental sync. */
export const changeTopics = [
  "products/create",
  "products/update",
  "products/delete",
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/edited",
  "orders/delete",
  "refunds/create",
  "customers/create",
  "customers/update",
  "customers/delete",
  "inventory_levels/update",
] as const;

/** What the app subscribes every shop to after OAuth (the compliance topics come from the TOML). */
export const subscribedTopics = [
  "app/uninstalled",
  "app/scopes_update",
  "bulk_operations/finish",
  ...changeTopics,
] as const;

/** `orders/create` → `ORDERS_CREATE`, the Admin API's `WebhookSubscriptionTopic`. */
export const topicEnum = (topic: string) => topic.toUpperCase().replace("/", "_");
