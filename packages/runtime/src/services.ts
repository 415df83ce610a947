import type { Database } from "@roestify/db";
import type { ShopifyEnv } from "@roestify/shopify";
import type { ApiEnv } from "./env.ts";
import type { Logger } from "./logger.ts";

/** What a process (web, worker) shares with everything it runs; created once per process. */
export interface Services {
  db: Database;
  env: ApiEnv;
  shopify: ShopifyEnv;
  log: Logger;
}
