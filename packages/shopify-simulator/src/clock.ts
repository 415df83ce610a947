import { flat } from "./strings.ts";
/**
 * The simulated time every shop shares. It follows the injected base clock (real time by default)
 * plus an offset, so tests can jump ahead (expire tokens, refill buckets) without waiting.
 */
export class Clock {
  readonly #base: () => Date;
  #offsetMs = 0;

  constructor(base: () => Date = () => new Date()) {
    this.#base = base;
  }

  now(): number {
    return this.#base().getTime() + this.#offsetMs;
  }

  /** Shopify's timestamps have second precision: `2026-11-26T10:00:00Z`. */
  iso(ms = this.now()): string {
    return isoSeconds(ms);
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
  }

  set(at: Date): void {
    this.#offsetMs = at.getTime() - this.#base().getTime();
  }
}

export function isoSeconds(ms: number): string {
  return flat(`${new Date(ms).toISOString().slice(0, 19)}Z`);
}
