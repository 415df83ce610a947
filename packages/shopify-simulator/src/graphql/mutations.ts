/**
 * Mutations: the inventory writes (compare-and-swap, atomic, idempotent) and the bulk
 * operation lifecycle.
 */
import { GraphQLError, type GraphQLResolveInfo, getDirectiveValues } from "graphql";
import { adjustQuantity, inventoryLevel } from "../commerce.ts";
import { gid } from "../ids.ts";
import {
  type InventoryItemRecord,
  type LocationRecord,
  onHand,
  type QuantityName,
  quantityOf,
  type StoredQuantityName,
  storedQuantityNames,
} from "../records.ts";
import { levelKey, nextNum, type ShopState } from "../store.ts";
import { inventoryLevelBody } from "../webhook-payloads.ts";
import type { WebhookSubscriptionRecord } from "../webhooks.ts";
import type { RequestContext } from "./context.ts";
import { findTyped } from "./nodes.ts";
import type { Resolver } from "./resolvers.ts";

/** https://shopify.dev/docs/apps/build/orders-fulfillment/inventory-management-apps/manage-quantities-states */
const reasons = new Set([
  "correction",
  "cycle_count_available",
  "damaged",
  "movement_canceled",
  "movement_created",
  "movement_received",
  "movement_updated",
  "other",
  "promotion",
  "quality_control",
  "received",
  "reservation_created",
  "reservation_deleted",
  "reservation_updated",
  "restock",
  "safety_stock",
  "shrinkage",
]);
const adjustableNames = new Set<string>(storedQuantityNames.filter((name) => name !== "committed"));
const MAX_QUANTITY = 1_000_000_000;

interface UserError {
  code: string;
  field: string[] | null;
  message: string;
}

interface Change {
  name: string;
  delta: number;
  quantityAfterChange: number;
  item: InventoryItemRecord;
  location: LocationRecord;
  ledgerDocumentUri: string | null;
}

interface InventoryPayload {
  inventoryAdjustmentGroup: unknown;
  userErrors: UserError[];
}

interface QuantityTarget {
  inventoryItemId: string;
  locationId: string;
  changeFromQuantity?: number | null;
}

interface SetQuantitiesInput {
  name: string;
  reason: string;
  referenceDocumentUri?: string | null;
  quantities: (QuantityTarget & { quantity: number })[];
}

interface AdjustQuantitiesInput {
  name: string;
  reason: string;
  referenceDocumentUri?: string | null;
  changes: (QuantityTarget & { delta: number; ledgerDocumentUri?: string | null })[];
}

/** What every inventory write validates the same way: reason, document, item, location, CAS. */
function validateTargets(
  ctx: RequestContext,
  input: { reason: string; referenceDocumentUri?: string | null },
  listName: "quantities" | "changes",
  targets: QuantityTarget[],
  current: (item: InventoryItemRecord, location: LocationRecord) => number,
  errors: UserError[],
): { item: InventoryItemRecord; location: LocationRecord }[] {
  if (!reasons.has(input.reason)) {
    errors.push({
      code: "INVALID_REASON",
      field: ["input", "reason"],
      message: "The specified reason is invalid.",
    });
  }
  if (input.referenceDocumentUri != null && !isUri(input.referenceDocumentUri)) {
    errors.push({
      code: "INVALID_REFERENCE_DOCUMENT",
      field: ["input", "referenceDocumentUri"],
      message: "The specified reference document is invalid.",
    });
  }
  const seen = new Set<string>();
  return targets.map((target, index) => {
    const field = (name: string) => ["input", listName, String(index), name];
    const item = findTyped<InventoryItemRecord>(ctx.shop, target.inventoryItemId, "InventoryItem");
    const location = findTyped<LocationRecord>(ctx.shop, target.locationId, "Location");
    if (!item) {
      errors.push({
        code: "INVALID_INVENTORY_ITEM",
        field: field("inventoryItemId"),
        message: "The specified inventory item could not be found.",
      });
    }
    if (!location) {
      errors.push({
        code: "INVALID_LOCATION",
        field: field("locationId"),
        message: "The specified location could not be found.",
      });
    }
    const pair = `${target.inventoryItemId}|${target.locationId}`;
    if (seen.has(pair)) {
      errors.push({
        code: "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
        field: field("locationId"),
        message: "The combination of inventoryItemId and locationId must be unique.",
      });
    }
    seen.add(pair);
    if (item && location && target.changeFromQuantity != null) {
      if (target.changeFromQuantity !== current(item, location)) {
        errors.push({
          code: "CHANGE_FROM_QUANTITY_STALE",
          field: field("changeFromQuantity"),
          message: "The changeFromQuantity value does not match persisted value.",
        });
      }
    }
    return { item: item as InventoryItemRecord, location: location as LocationRecord };
  });
}

function isUri(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/?\/?\S+$/i.test(value);
}

/** Since 2026-04 every quantity must name `changeFromQuantity`, `null` opting out. */
function requireChangeFrom(targets: QuantityTarget[], typeName: string): void {
  if (targets.every((target) => "changeFromQuantity" in target)) return;
  throw new GraphQLError(`${typeName} must include the following argument: changeFromQuantity.`, {
    extensions: { code: "INVALID_FIELD_ARGUMENTS" },
  });
}

function amountAt(
  shop: ShopState,
  item: InventoryItemRecord,
  location: LocationRecord,
  name: string,
): number {
  const level = shop.inventoryLevels.get(levelKey(item.num, location.num));
  return level ? quantityOf(level.amounts, name) : 0;
}

function adjustmentGroup(
  ctx: RequestContext,
  input: { reason: string; referenceDocumentUri?: string | null },
  changes: Change[],
) {
  const num = nextNum(ctx.shop, "InventoryAdjustmentGroup");
  return {
    id: gid("InventoryAdjustmentGroup", num),
    createdAt: ctx.sim.clock.iso(),
    reason: input.reason,
    referenceDocumentUri: input.referenceDocumentUri ?? null,
    app: null,
    staffMember: null,
    changes,
  };
}

/**
 * Applies `delta` to `name` and records the change and that of `on_hand`, which follows every
 * quantity but `incoming`; `reported` is listed first.
 */
function apply(
  ctx: RequestContext,
  target: { item: InventoryItemRecord; location: LocationRecord },
  change: { name: StoredQuantityName; delta: number; ledgerDocumentUri: string | null },
  reported: QuantityName,
  at: string,
  changes: Change[],
): void {
  const level = inventoryLevel(ctx.shop, target.item, target.location, at);
  adjustQuantity(ctx.shop, level, change.name, change.delta, at);
  // Shopify tells subscribers of every level change, the app's own included.
  if (change.delta !== 0) {
    ctx.sim.webhooks.emit(ctx.shop, "inventory_levels/update", inventoryLevelBody(level));
  }
  const names: QuantityName[] = [change.name];
  if (change.name !== "incoming") names[reported === "on_hand" ? "unshift" : "push"]("on_hand");
  for (const name of names) {
    changes.push({
      name,
      delta: change.delta,
      quantityAfterChange: name === "on_hand" ? onHand(level.amounts) : level.amounts[change.name],
      item: target.item,
      location: target.location,
      ledgerDocumentUri: change.ledgerDocumentUri,
    });
  }
}

function setQuantities(input: SetQuantitiesInput, ctx: RequestContext): InventoryPayload {
  const errors: UserError[] = [];
  if (input.name !== "available" && input.name !== "on_hand") {
    errors.push({
      code: "INVALID_NAME",
      field: ["input", "name"],
      message: "The quantity name must be either 'available' or 'on_hand'.",
    });
  }
  input.quantities.forEach((q, index) => {
    const field = ["input", "quantities", String(index), "quantity"];
    if (q.quantity > MAX_QUANTITY) {
      errors.push({
        code: "INVALID_QUANTITY_TOO_HIGH",
        field,
        message: "The total quantity can't be higher than 1,000,000,000.",
      });
    } else if (q.quantity < -MAX_QUANTITY) {
      errors.push({
        code: "INVALID_QUANTITY_TOO_LOW",
        field,
        message: "The total quantity can't be lower than -1,000,000,000.",
      });
    } else if (input.name === "on_hand" && q.quantity < 0) {
      errors.push({
        code: "INVALID_QUANTITY_NEGATIVE",
        field,
        message: "The quantity can't be negative.",
      });
    }
  });
  const targets = validateTargets(
    ctx,
    input,
    "quantities",
    input.quantities,
    (item, location) => amountAt(ctx.shop, item, location, input.name),
    errors,
  );
  if (errors.length > 0) return { inventoryAdjustmentGroup: null, userErrors: errors };
  const at = ctx.sim.clock.iso();
  const changes: Change[] = [];
  targets.forEach((target, index) => {
    const wanted = (input.quantities[index] as { quantity: number }).quantity;
    // Setting on_hand moves the difference through available, as Shopify does.
    const delta = wanted - amountAt(ctx.shop, target.item, target.location, input.name);
    const change = { name: "available" as const, delta, ledgerDocumentUri: null };
    apply(ctx, target, change, input.name as QuantityName, at, changes);
  });
  return { inventoryAdjustmentGroup: adjustmentGroup(ctx, input, changes), userErrors: [] };
}

function adjustQuantities(input: AdjustQuantitiesInput, ctx: RequestContext): InventoryPayload {
  const errors: UserError[] = [];
  const name = input.name as StoredQuantityName;
  if (!adjustableNames.has(name)) {
    errors.push({
      code: "INVALID_QUANTITY_NAME",
      field: ["input", "name"],
      message: `The quantity name '${input.name}' is not valid.`,
    });
  }
  input.changes.forEach((change, index) => {
    const ledger = change.ledgerDocumentUri;
    if (
      name !== "available" &&
      (ledger == null || !isUri(ledger) || ledger.startsWith("gid://shopify/"))
    ) {
      errors.push({
        code: "INVALID_LEDGER_DOCUMENT",
        field: ["input", "changes", String(index), "ledgerDocumentUri"],
        message: "A ledger document URI is required for quantity names other than 'available'.",
      });
    }
  });
  const targets = validateTargets(
    ctx,
    input,
    "changes",
    input.changes,
    (item, location) => amountAt(ctx.shop, item, location, input.name),
    errors,
  );
  if (errors.length > 0) return { inventoryAdjustmentGroup: null, userErrors: errors };
  const at = ctx.sim.clock.iso();
  const changes: Change[] = [];
  targets.forEach((target, index) => {
    const change = input.changes[index] as AdjustQuantitiesInput["changes"][number];
    const ledgerDocumentUri = change.ledgerDocumentUri ?? null;
    apply(ctx, target, { name, delta: change.delta, ledgerDocumentUri }, name, at, changes);
  });
  return { inventoryAdjustmentGroup: adjustmentGroup(ctx, input, changes), userErrors: [] };
}

/**
 * `@idempotent(key:)`, required on inventory writes since 2026-04: the first result under a key
 * is returned again and nothing is applied twice; a key reused with other arguments, or after
 * a failed attempt, is refused with the matching user error.
 */
function idempotent<I extends object>(
  run: (input: I, ctx: RequestContext) => InventoryPayload,
  targets: (input: I) => QuantityTarget[],
  inputType: string,
): Resolver<unknown, { input: I }> {
  return (_source, args, ctx, info: GraphQLResolveInfo) => {
    const directive = info.schema.getDirective("idempotent");
    // graphql-jit's info holds the coerced variables; graphql 17 reads them from `coerced`.
    const variables = { sources: {}, coerced: info.variableValues } as never;
    const values =
      directive && getDirectiveValues(directive, info.fieldNodes[0] as never, variables);
    if (!values) {
      throw new GraphQLError(
        "The @idempotent directive is required for this mutation but was not provided.",
        {
          extensions: { code: "BAD_REQUEST" },
        },
      );
    }
    const key = String(values.key);
    if (key.trim() === "") {
      throw new GraphQLError("The idempotency key cannot be an empty string or whitespace only.", {
        extensions: { code: "BAD_REQUEST" },
      });
    }
    requireChangeFrom(targets(args.input), inputType);
    const fingerprint = JSON.stringify([info.fieldName, args.input]);
    const previous = ctx.shop.idempotency.get(key);
    if (previous && previous.fingerprint !== fingerprint) {
      return failure(
        "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
        "The same idempotency key cannot be used with different operation parameters.",
      );
    }
    if (previous?.failed) {
      return failure(
        "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED",
        "A previous request with this idempotency key failed. Retry with a new idempotency key.",
      );
    }
    if (previous) return previous.payload;
    const payload = run(args.input, ctx);
    ctx.shop.idempotency.set(key, { fingerprint, payload, failed: payload.userErrors.length > 0 });
    return payload;
  };
}

function failure(code: string, message: string): InventoryPayload {
  return { inventoryAdjustmentGroup: null, userErrors: [{ code, field: null, message }] };
}

interface WebhookSubscriptionInput {
  uri?: string | null;
  callbackUrl?: string | null;
  format?: string | null;
}

/** Shop-level webhook subscriptions; one per topic and address, as at Shopify. */
function createWebhookSubscription(
  _source: unknown,
  args: { topic: string; webhookSubscription: WebhookSubscriptionInput },
  ctx: RequestContext,
) {
  const uri = args.webhookSubscription.uri ?? args.webhookSubscription.callbackUrl;
  const field = ["webhookSubscription", "uri"];
  if (!uri || !/^https?:\/\/[^\s]+$/.test(uri)) {
    return { webhookSubscription: null, userErrors: [{ field, message: "Address is invalid" }] };
  }
  if (args.webhookSubscription.format && args.webhookSubscription.format !== "JSON") {
    const message = "Format is not supported by the simulator";
    return { webhookSubscription: null, userErrors: [{ field: ["format"], message }] };
  }
  const taken = ctx.shop.webhookSubscriptions.items.some(
    (w) => w.topic === args.topic && w.uri === uri,
  );
  if (taken) {
    const message = "Address for this topic has already been taken";
    return { webhookSubscription: null, userErrors: [{ field, message }] };
  }
  return {
    webhookSubscription: ctx.sim.webhooks.subscribe(ctx.shop, args.topic, uri),
    userErrors: [],
  };
}

function deleteWebhookSubscription(_source: unknown, args: { id: string }, ctx: RequestContext) {
  const subscription = findTyped<WebhookSubscriptionRecord>(
    ctx.shop,
    args.id,
    "WebhookSubscription",
  );
  if (!subscription) {
    const message = "Webhook subscription does not exist";
    return { deletedWebhookSubscriptionId: null, userErrors: [{ field: ["id"], message }] };
  }
  ctx.shop.webhookSubscriptions.remove(subscription.num);
  return { deletedWebhookSubscriptionId: subscription.id, userErrors: [] };
}

export const mutationResolvers: Record<string, Resolver> = {
  webhookSubscriptionCreate: createWebhookSubscription,
  webhookSubscriptionDelete: deleteWebhookSubscription,
  /** The app uninstalls itself: `app/uninstalled` goes out, then tokens and subscriptions go. */
  appUninstall: (_source: unknown, _args: unknown, ctx: RequestContext) => {
    ctx.sim.uninstall(ctx.shop);
    return { app: { id: gid("App", 1) }, userErrors: [] };
  },
  inventorySetQuantities: idempotent(
    setQuantities,
    (input) => input.quantities,
    "InventoryQuantityInput",
  ),
  inventoryAdjustQuantities: idempotent(
    adjustQuantities,
    (input) => input.changes,
    "InventoryChangeInput",
  ),
  bulkOperationRunQuery: (
    _source: unknown,
    args: { query: string; groupObjects: boolean },
    ctx: RequestContext,
  ) => ctx.sim.bulk.start(ctx, args.query),
  bulkOperationCancel: (_source: unknown, args: { id: string }, ctx: RequestContext) =>
    ctx.sim.bulk.cancel(ctx.shop, args.id),
};
