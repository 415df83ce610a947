export { defaultScopes, readShopifyEnv, type ShopifyEnv } from "./env.ts";
