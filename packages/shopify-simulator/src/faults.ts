import { z } from "zod";
import { Random } from "./random.ts";

export const requestFaultKinds = [
  "http500",
  "http502",
  "http503",
  "http429",
  "throttled",
  "reset",
  "lostResponse",
] as const;
export type RequestFault = (typeof requestFaultKinds)[number];

const rate = z.number().min(0).max(1).default(0);

/** Per-shop fault injection. Rates are fractions of requests; draws come from a seeded RNG. */
export const faultConfigSchema = z
  .object({
    seed: z.number().int().default(1),
    http500: rate,
    http502: rate,
    http503: rate,
    http429: rate,
    throttled: rate,
    reset: rate,
    lostResponse: rate,
    slow: rate,
    slowMs: z.number().int().min(0).max(120_000).default(1500),
    retryAfterSeconds: z.number().min(0).max(3600).default(2),
    bulkFail: rate,
    bulkTruncate: rate,
    bulkRepeat: rate,
    always: z.enum(requestFaultKinds).nullable().default(null),
    /** Faults for the next requests, one each, before any drawn at random. */
    next: z.array(z.enum(requestFaultKinds)).max(100).default([]),
  })
  .strict()
  .refine((c) => requestFaultKinds.reduce((sum, kind) => sum + c[kind], 0) <= 1, {
    message: "the request fault rates must add up to at most 1",
  });

export type FaultConfig = z.output<typeof faultConfigSchema>;
export type FaultConfigInput = z.input<typeof faultConfigSchema>;

export interface RequestFaultDraw {
  fault: RequestFault | null;
  delayMs: number;
}

export class Faults {
  #config: FaultConfig = faultConfigSchema.parse({});
  #next: RequestFault[] = [];
  #requests = new Random(1);
  #bulk = new Random(1);

  get config(): FaultConfig {
    return this.#config;
  }

  /** Replaces the configuration and restarts the random sequences from the seed. */
  configure(input: FaultConfigInput): void {
    this.#config = faultConfigSchema.parse(input);
    this.#next = [...this.#config.next];
    this.#requests = new Random(this.#config.seed);
    this.#bulk = new Random(this.#config.seed ^ 0x5bd1e995);
  }

  /** Two draws per request, whatever the outcome, so a seed always gives the same pattern. */
  drawRequest(): RequestFaultDraw {
    const errorDraw = this.#requests.next();
    const slowDraw = this.#requests.next();
    const delayMs = slowDraw < this.#config.slow ? this.#config.slowMs : 0;
    const next = this.#next.shift();
    if (next) return { fault: next, delayMs };
    if (this.#config.always) return { fault: this.#config.always, delayMs };
    let threshold = 0;
    for (const kind of requestFaultKinds) {
      threshold += this.#config[kind];
      if (errorDraw < threshold) return { fault: kind, delayMs };
    }
    return { fault: null, delayMs };
  }

  drawBulkFailure(): boolean {
    return this.#bulk.next() < this.#config.bulkFail;
  }

  drawTruncatedDownload(): boolean {
    return this.#bulk.next() < this.#config.bulkTruncate;
  }

  /** Drawn only when configured, so the other bulk faults keep their pattern for a seed. */
  drawRepeatedLine(): boolean {
    return this.#config.bulkRepeat > 0 && this.#bulk.next() < this.#config.bulkRepeat;
  }
}
