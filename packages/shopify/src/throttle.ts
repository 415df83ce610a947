/** Shopify's `extensions.cost.throttleStatus`. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/**
 * A leaky bucket per shop, fed by the throttle status Shopify reports with every answer, so a
 * client waits *before* Shopify would throttle it. Points are reserved when a request starts and
 * released when its answer arrives, so concurrent requests share the bucket instead of each
 * assuming it is full.
 */
export class CostBucket {
  private available = Number.POSITIVE_INFINITY;
  private maximum = Number.POSITIVE_INFINITY;
  private restoreRate = 50;
  private updatedAt = 0;
  private inFlight = 0;
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** Reserves the points of a request; returns the milliseconds to wait before sending it. */
  reserve(cost: number): number {
    const available = this.current();
    this.available = available - cost;
    this.updatedAt = this.now();
    this.inFlight += cost;
    if (available >= cost) return 0;
    return Math.ceil(((cost - available) / this.restoreRate) * 1000);
  }

  /** Settles a reservation with Shopify's view after the answer (which counts that request). */
  settle(cost: number, status?: ThrottleStatus): void {
    this.inFlight = Math.max(0, this.inFlight - cost);
    if (!status) return;
    this.maximum = status.maximumAvailable;
    this.restoreRate = status.restoreRate;
    this.available = status.currentlyAvailable - this.inFlight;
    this.updatedAt = this.now();
  }

  private current(): number {
    if (!Number.isFinite(this.available)) return this.available;
    const restored = ((this.now() - this.updatedAt) / 1000) * this.restoreRate;
    return Math.min(this.maximum, this.available + restored);
  }
}
