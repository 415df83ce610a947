export { type AdminClient, createAdminClient, ShopifyApiError } from "./admin-client.ts";
export { defaultScopes, readShopifyEnv, type ShopifyEnv } from "./env.ts";
export {
  exportCustomerData,
  markDisconnected,
  purgeConnection,
  redactCustomer,
} from "./lifecycle/connection-data.ts";
export { ensureWebhookSubscriptions } from "./lifecycle/subscriptions.ts";
export {
  changeTopics,
  complianceTopics,
  subscribedTopics,
  topicEnum,
} from "./lifecycle/topics.ts";
export { uninstallApp } from "./lifecycle/uninstall.ts";
export { type WebhookVerdict, webhookVerifier } from "./lifecycle/webhook-verification.ts";
export { fetchLocations, saveLocations, testConnection } from "./locations.ts";
export { processMetrics, pushConflicts } from "./metrics.ts";
export {
  authorizeUrl,
  exchangeCode,
  refreshAccessToken,
  TokenRequestError,
  type TokenSet,
  verifyOAuthHmac,
} from "./oauth.ts";
export { estimateQueryCost } from "./query-cost.ts";
export { gidNumber, normalizeShopDomain } from "./shop-domain.ts";
export type { BulkFinished } from "./sync/bulk-operation.ts";
export { runFullSync } from "./sync/full-sync.ts";
export { runIncrementalSync, syncOrderChanges } from "./sync/incremental-sync.ts";
export { cancelSeq, ledgerSequence } from "./sync/ledger-feed.ts";
export { upsertMirrorRows } from "./sync/mirror-writers.ts";
export { allNodes, emptyPage, type Page, pages } from "./sync/pages.ts";
export {
  defaultSyncSettings,
  type SyncRun,
  type SyncSettings,
  type SyncState,
} from "./sync/sync-run.ts";
export {
  accessTokenFor,
  jobAccessToken,
  markReauthRequired,
  ReauthRequiredError,
  storeTokens,
} from "./tokens.ts";
