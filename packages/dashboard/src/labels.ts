import type { OAuthFailureReason } from "@roestify/api";

/** Everything the page says, in German, by the API's codes. */

export const connectionStatusLabels: Record<string, string> = {
  active: "Aktiv",
  reauth_required: "Neu verbinden nötig",
  disconnected: "Getrennt",
};

export const jobStatusLabels: Record<string, string> = {
  queued: "Eingeplant",
  running: "Läuft",
  succeeded: "Erfolgreich",
  failed: "Fehlgeschlagen",
  cancelled: "Abgebrochen",
};

export const jobTypeLabels = {
  full_sync: "Vollsync",
  incremental_sync: "Inkrementeller Sync",
  inventory_push: "Bestandsabgleich zu Shopify",
} as const;

/** The mirror tables as the roastery calls them, in the order shown. */
export const mirrorLabels = {
  shopify_products: "Produkte",
  shopify_product_variants: "Varianten",
  shopify_orders: "Bestellungen",
  shopify_fulfillments: "Fulfillments",
  shopify_customers: "Kunden",
  shopify_inventory_levels: "Lagerbestände",
} as const;

/** The parts of a sync (its `progress` keys) and how far each is. */
export const syncPartLabels: Record<string, string> = {
  products: "Produkte",
  product_variants: "Varianten",
  orders: "Bestellungen",
  fulfillments: "Fulfillments",
  customers: "Kunden",
  inventory_levels: "Lagerbestände",
  inventory_push: "Bestand",
};

export const syncPartStatusLabels: Record<string, string> = {
  bulk_running: "wird bei Shopify exportiert",
  importing: "wird importiert",
  imported: "fertig",
  reading: "wird gelesen",
  done: "fertig",
};

export const finishedPartStatuses = new Set(["imported", "done"]);

export const pushStatusLabels: Record<string, string> = {
  in_sync: "Abgeglichen",
  pending: "Wird übertragen",
  conflict: "Konflikt",
  not_mapped: "Keine Shopify-Variante",
  not_connected: "Kein Shop verbunden",
  paused: "Pausiert",
};

/** After Shopify's redirect: what went wrong, and what to do now (one sentence per reason). */
export const callbackErrorSentences: Record<OAuthFailureReason, string> = {
  invalid_hmac:
    "Die Rückmeldung von Shopify war nicht gültig signiert. Bitte starte die Verbindung über „Verbinden“ noch einmal.",
  invalid_state:
    "Dieser Verbindungsversuch ist unbekannt oder wurde schon verwendet. Bitte starte die Verbindung über „Verbinden“ neu.",
  expired_state:
    "Der Verbindungsversuch ist abgelaufen (nach 10 Minuten). Bitte klicke erneut auf „Verbinden“ und bestätige zügig in Shopify.",
  stale_timestamp:
    "Die Rückmeldung von Shopify kam zu spät an. Bitte verbinde den Shop noch einmal über „Verbinden“.",
  token_exchange_failed:
    "Shopify hat den Zugangsschlüssel nicht ausgestellt. Bitte warte einen Moment und verbinde den Shop dann erneut.",
  connection_test_failed:
    "Der Shop war nach der Freigabe nicht erreichbar. Bitte prüfe in Shopify, ob der Shop aktiv ist, und verbinde ihn erneut.",
  shop_already_connected:
    "Dieser Shop ist bereits mit einer anderen Rösterei verbunden. Bitte trenne ihn dort zuerst und verbinde ihn dann hier.",
};

export const unknownCallbackError =
  "Die Verbindung mit Shopify ist fehlgeschlagen. Bitte versuche es über „Verbinden“ noch einmal.";

export const dateTime = new Intl.DateTimeFormat("de-DE", {
  dateStyle: "medium",
  timeStyle: "medium",
});
export const number = new Intl.NumberFormat("de-DE");
