export interface RequestLogEntry {
  /** Simulated time the request arrived. */
  time: string;
  method: string;
  path: string;
  shop: string | null;
  operationName: string | null;
  status: number;
  /** Actual query cost (requested cost when throttled); null for non-GraphQL requests. */
  cost: number | null;
  /** The cost the bucket had to hold before the query ran; null for non-GraphQL requests. */
  requestedCost: number | null;
  /** Answered THROTTLED: the query did not run and took nothing from the bucket. */
  throttled: boolean;
  /** The injected fault, if one answered the request. */
  fault: string | null;
  durationMs: number;
}

/** What the simulator was asked, for tests that check how a client behaved. */
export class RequestLog {
  readonly #limit: number;
  #entries: RequestLogEntry[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  add(entry: RequestLogEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#limit)
      this.#entries.splice(0, this.#entries.length - this.#limit);
  }

  entries(shop?: string): RequestLogEntry[] {
    return shop ? this.#entries.filter((e) => e.shop === shop) : this.#entries.slice();
  }

  clear(): void {
    this.#entries = [];
  }
}
