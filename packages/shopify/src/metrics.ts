import { Counter, Registry } from "prom-client";

/**
 * What this process did with Shopify, for `/metrics`. These count per process (Prometheus adds
 * the processes up); figures about shared state are read from the database at each scrape.
 */
export const processMetrics = new Registry();

export const shopifyRequests = new Counter({
  name: "roestify_shopify_requests_total",
  help: "Admin API requests by outcome: ok, throttled, auth, transient (429, 5xx, network), error",
  labelNames: ["outcome"] as const,
  registers: [processMetrics],
});

export const throttleWaitSeconds = new Counter({
  name: "roestify_shopify_throttle_wait_seconds_total",
  help: "Seconds requests waited for the shop's cost bucket before they were sent",
  registers: [processMetrics],
});

export const bulkDownloadBytes = new Counter({
  name: "roestify_bulk_download_bytes_total",
  help: "Bytes of bulk operation result files downloaded",
  registers: [processMetrics],
});

export const pushConflicts = new Counter({
  name: "roestify_inventory_push_conflicts_total",
  help: "SKUs marked conflict because Shopify's quantity moved on every push attempt",
  registers: [processMetrics],
});
