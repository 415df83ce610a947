import { ReauthRequiredError, ShopifyApiError } from "@roestify/shopify";

const retrying = "Der Job wird automatisch erneut versucht; du musst nichts tun.";
const retryLater = "Bitte versuche es später mit „Wiederholen“ erneut.";
const support = "Bleibt der Fehler, wende dich mit der Job-ID an den Support.";

/**
 * The sentence people read in a job's `last_error`: what happened and what to do, in German.
 * The technical error goes to the log with the job id, never here (it may hold SQL or internals).
 */
export function failureMessage(
  error: unknown,
  attempt: { final: boolean; interrupted: boolean },
): string {
  if (attempt.interrupted) {
    return "Der Sync wurde unterbrochen, weil der Worker neu gestartet wurde. Der nächste Versuch setzt ihn fort; du musst nichts tun.";
  }
  if (
    error instanceof ReauthRequiredError ||
    (error instanceof ShopifyApiError && error.kind === "auth")
  ) {
    return "Shopify hat den Zugriff abgelehnt. Bitte verbinde den Shop in den Einstellungen neu; danach kannst du den Job wiederholen.";
  }
  if (error instanceof ShopifyApiError && error.kind === "permanent") {
    return /access denied/i.test(error.message)
      ? "Shopify verweigert den Zugriff auf einen Teil der Daten (fehlende Berechtigung). Bitte verbinde den Shop neu und erteile alle angefragten Berechtigungen."
      : `Shopify hat die Anfrage abgelehnt. ${retryLater} ${support}`;
  }
  if (error instanceof ShopifyApiError) {
    return attempt.final
      ? `Shopify war bei allen Versuchen nicht erreichbar oder überlastet. ${retryLater}`
      : `Shopify war vorübergehend nicht erreichbar oder überlastet. ${retrying}`;
  }
  return attempt.final
    ? `Beim Sync ist auch nach mehreren Versuchen ein interner Fehler aufgetreten. ${retryLater} ${support}`
    : `Beim Sync ist ein interner Fehler aufgetreten. ${retrying}`;
}
