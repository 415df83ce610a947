/**
 * The value lists of the database's CHECK constraints, one home each (schema-agreement.test.ts
 * proves they match the migrated database).
 */
export const plans = ["free", "pro", "business"] as const;
export type Plan = (typeof plans)[number];

export const connectionStatuses = ["active", "reauth_required", "disconnected"] as const;
export type ConnectionStatus = (typeof connectionStatuses)[number];

/** A job's type is also its graphile-worker task identifier. */
export const jobTypes = ["full_sync", "incremental_sync", "inventory_push"] as const;
export type JobType = (typeof jobTypes)[number];

export const jobStatuses = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobStatus = (typeof jobStatuses)[number];

export const movementKinds = [
  "opening_balance",
  "packaging",
  "adjustment",
  "shopify_order",
  "shopify_order_cancelled",
  "shopify_order_edit",
  "shopify_refund",
  "shopify_return",
] as const;
export type MovementKind = (typeof movementKinds)[number];
