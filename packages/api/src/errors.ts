/** The error codes of the contract, with their HTTP status and the German text for people. */
export const apiErrors = {
  invalid_request: { status: 400, message: "Die Anfrage ist ungültig." },
  invalid_shop: { status: 400, message: "Das ist keine gültige *.myshopify.com-Domain." },
  unauthorized: { status: 401, message: "Anmeldung erforderlich oder ungültig." },
  plan_limit_reached: {
    status: 402,
    message: "Das Sync-Kontingent deines Tarifs ist für heute aufgebraucht.",
  },
  forbidden: {
    status: 403,
    message: "Diese Aktion ist von dieser Herkunft (Origin) aus nicht erlaubt.",
  },
  not_found: { status: 404, message: "Nicht gefunden." },
  shopify_not_connected: { status: 409, message: "Es ist kein Shopify-Shop verbunden." },
  job_conflict: {
    status: 409,
    message: "Dieser Job kann in seinem jetzigen Zustand nicht wiederholt oder abgebrochen werden.",
  },
  insufficient_stock: {
    status: 409,
    message: "Der Bestand würde unter 0 fallen; die Korrektur wurde nicht gebucht.",
  },
  idempotency_key_reused: {
    status: 422,
    message: "Dieser Idempotency-Key wurde bereits für eine andere Anfrage verwendet.",
  },
  payload_too_large: { status: 413, message: "Die Anfrage ist zu groß (höchstens 100 kB)." },
  rate_limited: { status: 429, message: "Zu viele Anfragen. Bitte versuche es später erneut." },
  internal_error: { status: 500, message: "Ein interner Fehler ist aufgetreten." },
} as const;

export type ApiErrorCode = keyof typeof apiErrors;

/** An error the client is meant to see, rendered as `{"error":{code,message,details}}`. */
export class ApiError extends Error {
  override name = "ApiError";
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly details: unknown;
  /** Extra response headers (Retry-After, RateLimit-*). */
  readonly headers: Record<string, string>;

  constructor(
    code: ApiErrorCode,
    options: { message?: string; details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(options.message ?? apiErrors[code].message);
    this.code = code;
    this.status = apiErrors[code].status;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  toBody() {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}
