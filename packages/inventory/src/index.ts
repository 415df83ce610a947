export { adoptVariantSkus, applyShopifyToLedger } from "./ledger.ts";
export { mapSku, type SkuMapping, skuMapping, unmapSkus } from "./mapping.ts";
export { pushInventory } from "./push.ts";
export { runInventoryPush } from "./push-run.ts";
export {
  connectionsPendingPush,
  type PushStatus,
  pushStatuses,
  pushTargets,
} from "./push-status.ts";
export { mirrorRestockSources } from "./restock-sources.ts";
export { bookMovement, lockOrCreateSku, lockSku, type Movement } from "./stock.ts";
export { listStock, type SkuStock, stockListVersion } from "./stock-list.ts";
