import { setTimeout as sleep } from "node:timers/promises";
import type { ShopifyEnv } from "./env.ts";
import { shopifyFetch } from "./http.ts";
import { shopifyRequests, throttleWaitSeconds } from "./metrics.ts";
import { estimateQueryCost } from "./query-cost.ts";
import { CostBucket, type ThrottleStatus } from "./throttle.ts";

/**
 * Why a Shopify call failed: `auth` — the token is not accepted (reconnect); `permanent` — the
 * request itself is wrong (missing scope, invalid query), retrying cannot help; `transient` —
 * Shopify or the network kept failing beyond the client's own retries.
 */
export class ShopifyApiError extends Error {
  override name = "ShopifyApiError";
  readonly kind: "auth" | "permanent" | "transient";
  constructor(kind: "auth" | "permanent" | "transient", message: string) {
    super(message);
    this.kind = kind;
  }
}

interface Cost {
  requestedQueryCost: number;
  throttleStatus: ThrottleStatus;
}

interface GraphqlResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
  extensions?: { cost?: Cost };
}

type Attempt<T> =
  | { ok: true; data: T; cost?: Cost }
  | { ok: false; error: ShopifyApiError; cost?: Cost; throttled?: boolean; retryAfterMs?: number };

export interface AdminClientOptions {
  env: Pick<ShopifyEnv, "SHOPIFY_API_ORIGIN" | "SHOPIFY_API_VERSION">;
  shop: string;
  accessToken: () => Promise<string>;
  log?: { warn(details: object, message: string): void };
  /** Retries of 429, 5xx and network errors per request (THROTTLED is waited out separately). */
  maxRetries?: number;
  retryBaseMs?: number;
}

// One bucket per shop and process: every client of a shop draws from the same points.
const buckets = new Map<string, CostBucket>();
// The cost Shopify computed for a document last time: what to reserve before sending it again
// (before the first time, the client's own estimate).
const expectedCosts = new Map<string, number>();
const maxThrottledWaits = 20;

export type AdminClient = ReturnType<typeof createAdminClient>;

/** A request's outcome as `roestify_shopify_requests_total` labels it. */
function outcome(attempt: Attempt<unknown>): string {
  if (attempt.ok) return "ok";
  if (attempt.throttled) return "throttled";
  return attempt.error.kind === "permanent" ? "error" : attempt.error.kind;
}

/** Shopify Admin GraphQL for one shop: throttled by cost, retried when Shopify is unwell. */
export function createAdminClient(options: AdminClientOptions) {
  const { env, shop } = options;
  const maxRetries = options.maxRetries ?? 8;
  const retryBaseMs = options.retryBaseMs ?? 500;
  let bucket = buckets.get(shop);
  if (!bucket) {
    bucket = new CostBucket();
    buckets.set(shop, bucket);
  }
  const shopBucket = bucket;
  const backoff = (retry: number) =>
    Math.min(30_000, retryBaseMs * 2 ** retry) * (0.5 + Math.random() / 2);

  async function request<T>(document: string, variables: object = {}): Promise<T> {
    let retries = 0;
    let throttledWaits = 0;
    for (;;) {
      const reserved = expectedCosts.get(document) ?? estimateQueryCost(document, variables);
      const wait = shopBucket.reserve(reserved);
      if (wait > 0) {
        throttleWaitSeconds.inc(wait / 1000);
        await sleep(wait);
      }
      // Outside the network catch: a refused refresh (ReauthRequiredError) is not a network error.
      const accessToken = await options.accessToken().catch((error: unknown) => {
        shopBucket.settle(reserved);
        throw error;
      });
      const attempt = await send<T>(document, variables, accessToken).catch(
        (error: Error): Attempt<T> => ({
          ok: false,
          error: new ShopifyApiError("transient", `network error: ${error.name}`),
        }),
      );
      shopBucket.settle(reserved, attempt.cost?.throttleStatus);
      if (attempt.cost) expectedCosts.set(document, attempt.cost.requestedQueryCost);
      shopifyRequests.inc({ outcome: outcome(attempt) });
      if (attempt.ok) return attempt.data;
      // THROTTLED: the bucket now knows Shopify's state, so the next reserve waits long enough.
      if (attempt.throttled && throttledWaits++ < maxThrottledWaits) continue;
      if (attempt.error.kind !== "transient" || retries >= maxRetries) throw attempt.error;
      const delay = attempt.retryAfterMs ?? backoff(retries);
      retries++;
      options.log?.warn(
        { shop, retry: retries, delay, reason: attempt.error.message },
        "shopify retry",
      );
      await sleep(delay);
    }
  }

  async function send<T>(
    document: string,
    variables: object,
    accessToken: string,
  ): Promise<Attempt<T>> {
    const path = `/admin/api/${env.SHOPIFY_API_VERSION}/graphql.json`;
    const response = await shopifyFetch(env, shop, path, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        "x-shopify-access-token": accessToken,
      },
      body: JSON.stringify({ query: document, variables }),
    });
    if (response.status === 401) {
      return {
        ok: false,
        error: new ShopifyApiError("auth", "Shopify did not accept the access token"),
      };
    }
    if (!response.ok) {
      const retryAfter = Number(response.headers.get("retry-after"));
      const transient = response.status === 429 || response.status >= 500;
      return {
        ok: false,
        retryAfterMs: retryAfter > 0 ? retryAfter * 1000 : undefined,
        error: new ShopifyApiError(
          transient ? "transient" : "permanent",
          `Shopify answered HTTP ${response.status}`,
        ),
      };
    }
    const body = (await response.json()) as GraphqlResponse<T>;
    const cost = body.extensions?.cost;
    if (!body.errors?.length) return { ok: true, data: body.data as T, cost };
    const throttled = body.errors.some((error) => error.extensions?.code === "THROTTLED");
    const message = body.errors.map((error) => error.message).join("; ");
    return {
      ok: false,
      cost,
      throttled,
      error: new ShopifyApiError(throttled ? "transient" : "permanent", message),
    };
  }

  return { shop, request };
}
