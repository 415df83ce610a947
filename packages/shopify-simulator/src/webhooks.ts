/**
 * Webhooks as Shopify sends them: shop-level subscriptions (`webhookSubscriptionCreate`), app-level
 * ones from the app configuration (the compliance topics and `app/uninstalled`, one address), and
 * deliveries with Shopify's headers, signed with the app secret, retried when not answered 2xx
 * within 5 s (8 retries, exponential backoff: about 4 hours by default). Fault modes deliver
 * twice, late (out of order) or with a forged signature.
 */
import { createHmac, randomUUID } from "node:crypto";
import { z } from "zod";
import { DeliveryThread } from "./delivery-thread.ts";
import { gid } from "./ids.ts";
import { Random } from "./random.ts";
import type { Entity } from "./records.ts";
import type { Simulation } from "./simulation.ts";
import { nextNum, type ShopState } from "./store.ts";

export interface WebhookSubscriptionRecord extends Entity {
  /** `WebhookSubscriptionTopic`, e.g. `ORDERS_CREATE`. */
  topic: string;
  uri: string;
  callbackUrl: string;
  format: "JSON";
  filter: string | null;
  includeFields: string[];
  metafieldNamespaces: string[];
  metafields: never[];
  name: string | null;
  apiVersion: { handle: string; displayName: string; supported: boolean };
}

/** Topics Shopify sends to the app configuration's address. */
export const appLevelTopics = new Set([
  "app/uninstalled",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
]);

const rate = z.number().min(0).max(1).default(0);

export const webhookFaultSchema = z
  .object({
    seed: z.number().int().default(1),
    /** The same delivery (same ids) sent a second time. */
    duplicate: rate,
    /** Held back by `outOfOrderMs`, so later events arrive first. */
    outOfOrder: rate,
    outOfOrderMs: z.number().int().min(0).max(600_000).default(2000),
    /** An extra copy with a wrong signature (and a new event id), as an attacker would send. */
    forged: rate,
  })
  .strict();

export type WebhookFaultInput = z.input<typeof webhookFaultSchema>;

export interface WebhookDeliveryEntry {
  eventId: string;
  webhookId: string;
  topic: string;
  shop: string;
  uri: string;
  triggeredAt: string;
  forged: boolean;
  attempts: number;
  /** The last answer's HTTP status; 0 for a network error or a timeout. */
  status: number | null;
  /** When a 2xx answer came (ms since the epoch, real time). */
  deliveredAt: number | null;
  /** How long the last attempt waited for its answer (timed on the delivery thread). */
  durationMs: number | null;
  firstAttemptAt: number | null;
}

/** Shopify waits 5 s for an answer and retries up to 8 times. */
const answerTimeoutMs = 5000;
const maxRetries = 8;

export const topicEnum = (topic: string) => topic.toUpperCase().replace("/", "_");

export class Webhooks {
  readonly #sim: Simulation;
  /** The app configuration's webhook address (shopify.app.toml), if any. */
  appUri: string | null = null;
  readonly deliveries: WebhookDeliveryEntry[] = [];
  #faults = webhookFaultSchema.parse({});
  #random = new Random(1);
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #thread = new DeliveryThread();
  #closed = false;

  constructor(sim: Simulation) {
    this.#sim = sim;
  }

  setFaults(input: WebhookFaultInput) {
    this.#faults = webhookFaultSchema.parse(input);
    this.#random = new Random(this.#faults.seed);
    return this.#faults;
  }

  subscribe(shop: ShopState, topic: string, uri: string): WebhookSubscriptionRecord {
    const num = nextNum(shop, "WebhookSubscription");
    const at = this.#sim.clock.iso();
    return shop.webhookSubscriptions.add({
      id: gid("WebhookSubscription", num),
      num,
      legacyResourceId: String(num),
      createdAt: at,
      updatedAt: at,
      topic,
      uri,
      callbackUrl: uri,
      format: "JSON",
      filter: null,
      includeFields: [],
      metafieldNamespaces: [],
      metafields: [],
      name: null,
      apiVersion: { handle: "2026-10", displayName: "2026-10", supported: true },
    });
  }

  /**
   * An event of the shop: one delivery per subscription to its topic (and, for app-level topics,
   * one to the app configuration's address), all with the same event id.
   */
  emit(shop: ShopState, topic: string, body: unknown): void {
    const uris = shop.webhookSubscriptions.items
      .filter((subscription) => subscription.topic === topicEnum(topic))
      .map((subscription) => subscription.uri);
    if (appLevelTopics.has(topic) && this.appUri) uris.push(this.appUri);
    if (!uris.length || this.#closed) return;
    const eventId = randomUUID();
    const triggeredAt = new Date(this.#sim.clock.now()).toISOString();
    const text = JSON.stringify(body);
    for (const uri of uris) {
      const entry = this.#entry(shop, topic, uri, eventId, triggeredAt, false);
      const late = this.#random.chance(this.#faults.outOfOrder);
      this.#schedule(late ? this.#faults.outOfOrderMs : 0, () => this.#attempt(entry, text));
      if (this.#random.chance(this.#faults.duplicate)) {
        const repeat = { ...entry, attempts: 0, status: null, deliveredAt: null };
        this.deliveries.push(repeat);
        this.#schedule(late ? 0 : 10, () => this.#attempt(repeat, text));
      }
      if (this.#random.chance(this.#faults.forged)) {
        const forged = this.#entry(shop, topic, uri, randomUUID(), triggeredAt, true);
        this.#schedule(0, () => this.#attempt(forged, text));
      }
    }
  }

  /** Waits until no delivery is under way or waiting for a retry (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.#timers.size || this.#thread.busy) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#thread.close();
  }

  #entry(
    shop: ShopState,
    topic: string,
    uri: string,
    eventId: string,
    triggeredAt: string,
    forged: boolean,
  ): WebhookDeliveryEntry {
    const entry: WebhookDeliveryEntry = {
      eventId,
      webhookId: randomUUID(),
      topic,
      shop: shop.domain,
      uri,
      triggeredAt,
      forged,
      attempts: 0,
      status: null,
      deliveredAt: null,
      durationMs: null,
      firstAttemptAt: null,
    };
    this.deliveries.push(entry);
    return entry;
  }

  #schedule(delayMs: number, run: () => Promise<void>): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void run();
    }, delayMs);
    this.#timers.add(timer);
  }

  async #attempt(entry: WebhookDeliveryEntry, text: string): Promise<void> {
    const secret = entry.forged
      ? `${this.#sim.options.apiSecret}-forged`
      : this.#sim.options.apiSecret;
    entry.attempts++;
    entry.firstAttemptAt ??= Date.now();
    const answer = await this.#thread.send({
      uri: entry.uri,
      headers: {
        "content-type": "application/json",
        "x-shopify-topic": entry.topic,
        "x-shopify-hmac-sha256": createHmac("sha256", secret).update(text).digest("base64"),
        "x-shopify-shop-domain": entry.shop,
        "x-shopify-webhook-id": entry.webhookId,
        "x-shopify-event-id": entry.eventId,
        "x-shopify-triggered-at": entry.triggeredAt,
        "x-shopify-api-version": "2026-10",
      },
      body: text,
      timeoutMs: answerTimeoutMs,
    });
    entry.status = answer.status;
    entry.durationMs = answer.durationMs;
    if (entry.status >= 200 && entry.status < 300) {
      entry.deliveredAt = Date.now();
      return;
    }
    // A forged copy is never retried (nobody at Shopify sent it).
    if (entry.forged || entry.attempts > maxRetries) return;
    const delay = this.#sim.options.webhookRetryBaseMs * 2 ** (entry.attempts - 1);
    this.#schedule(delay, () => this.#attempt(entry, text));
  }
}
