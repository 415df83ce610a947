import { BulkOperations } from "./bulk.ts";
import { Clock } from "./clock.ts";
import { OAuth } from "./oauth.ts";
import { RequestLog } from "./request-log.ts";
import { createShopState, type ShopSettings, type ShopState } from "./store.ts";
import { shopBody } from "./webhook-payloads.ts";
import { Webhooks } from "./webhooks.ts";

export interface SimulationOptions {
  apiKey: string;
  apiSecret: string;
  /** Shown on the consent page ("Roestify möchte auf … zugreifen"). */
  appName: string;
  /** Allowed OAuth redirect URIs; any http(s) URI when null. */
  redirectUris: string[] | null;
  restoreRate?: number;
  maximumAvailable?: number;
  /** Shopify refuses single queries above 1000 points. */
  maxQueryCost: number;
  /** How long a bulk operation stays RUNNING before it produces its file. */
  bulkDelayMs: number;
  now?: () => Date;
  /** Request log entries kept (oldest dropped first). */
  logLimit: number;
  /** The first retry of a failed webhook delivery; each next one waits twice as long. */
  webhookRetryBaseMs: number;
}

/** Everything one simulator instance holds: its shops, clock, OAuth state, bulk files and log. */
export class Simulation {
  readonly options: SimulationOptions;
  readonly clock: Clock;
  readonly shops = new Map<string, ShopState>();
  readonly oauth: OAuth;
  readonly bulk: BulkOperations;
  readonly log: RequestLog;
  readonly webhooks: Webhooks;
  /** The server's own origin, for bulk result URLs; set once it listens. */
  baseUrl = "";
  #shopNum = 60_000_000_000;

  constructor(options: SimulationOptions) {
    this.options = options;
    this.clock = new Clock(options.now);
    this.oauth = new OAuth(this);
    this.bulk = new BulkOperations(this);
    this.log = new RequestLog(options.logLimit);
    this.webhooks = new Webhooks(this);
  }

  /**
   * The app is uninstalled from the shop (by `appUninstall` or by the merchant): `app/uninstalled`
   * goes to its subscriptions and the app configuration's address, then its tokens and
   * subscriptions are gone.
   */
  uninstall(shop: ShopState): void {
    this.webhooks.emit(shop, "app/uninstalled", shopBody(shop));
    this.oauth.revoke(shop.domain);
    for (const subscription of [...shop.webhookSubscriptions.items]) {
      shop.webhookSubscriptions.remove(subscription.num);
    }
  }

  addShop(
    settings: Omit<ShopSettings, "restoreRate" | "maximumAvailable" | "bulkDelayMs"> &
      Partial<ShopSettings>,
  ): ShopState {
    const shop = createShopState(
      {
        restoreRate: this.options.restoreRate,
        maximumAvailable: this.options.maximumAvailable,
        bulkDelayMs: this.options.bulkDelayMs,
        ...settings,
      },
      ++this.#shopNum,
      this.clock,
    );
    this.shops.set(shop.domain, shop);
    return shop;
  }
}
