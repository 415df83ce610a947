export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/**
 * Shopify's cost-based rate limit: a bucket per app and shop that refills `restoreRate` points a
 * second up to `maximumAvailable`. A query takes its requested cost up front and gets the
 * difference to its actual cost back afterwards.
 */
export class LeakyBucket {
  maximumAvailable: number;
  restoreRate: number;
  #available: number;
  #at: number;

  constructor(maximumAvailable: number, restoreRate: number, now: number) {
    this.maximumAvailable = maximumAvailable;
    this.restoreRate = restoreRate;
    this.#available = maximumAvailable;
    this.#at = now;
  }

  status(now: number): ThrottleStatus {
    this.#refill(now);
    return {
      maximumAvailable: this.maximumAvailable,
      currentlyAvailable: Math.floor(this.#available),
      restoreRate: this.restoreRate,
    };
  }

  /** Takes `cost` points if that many are available; nothing is taken otherwise. */
  take(cost: number, now: number): boolean {
    this.#refill(now);
    if (cost > this.#available) return false;
    this.#available -= cost;
    return true;
  }

  refund(points: number, now: number): void {
    this.#refill(now);
    this.#available = Math.min(this.maximumAvailable, this.#available + points);
  }

  configure(
    settings: { maximumAvailable?: number; restoreRate?: number; currentlyAvailable?: number },
    now: number,
  ): void {
    this.#refill(now);
    this.maximumAvailable = settings.maximumAvailable ?? this.maximumAvailable;
    this.restoreRate = settings.restoreRate ?? this.restoreRate;
    this.#available = Math.min(
      this.maximumAvailable,
      settings.currentlyAvailable ?? this.#available,
    );
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#at) / 1000;
    this.#available = Math.min(this.maximumAvailable, this.#available + elapsed * this.restoreRate);
    this.#at = now;
  }
}
