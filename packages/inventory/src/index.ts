export { adoptVariantSkus, applyShopifyToLedger } from "./ledger.ts";
export { mapSku, type SkuMapping, skuMapping } from "./mapping.ts";
export { type Packaging, type PackagingRecorded, recordPackaging } from "./packaging.ts";
export { pushInventory } from "./push.ts";
export { runInventoryPush } from "./push-run.ts";
export { hasPendingPush, type PushStatus, pushStatuses } from "./push-status.ts";
export { listStock, type SkuStock } from "./stock-list.ts";
