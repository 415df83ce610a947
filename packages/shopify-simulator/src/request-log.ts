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
