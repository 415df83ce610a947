/** `pnpm --filter @roestify/shopify-simulator start`: the simulator with the demo shop. */
import { readCliConfig } from "./env.ts";
import { start } from "./index.ts";

const DEMO_SHOP = "roestify-demo.myshopify.com";

let config: ReturnType<typeof readCliConfig>;
try {
  config = readCliConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const simulator = await start({
  port: config.port,
  host: config.host,
  apiKey: config.apiKey,
  apiSecret: config.apiSecret,
  bulkDelayMs: config.bulkDelayMs,
});
const shop = simulator.createShop({
  domain: DEMO_SHOP,
  seed: "roestify-demo",
  products: 24,
  customers: 60,
  orders: 150,
  locations: 3,
});
const { access_token: token } = simulator.createAccessToken(DEMO_SHOP);

console.log(
  [
    `Shopify simulator (Admin API 2026-10) listening on ${simulator.url}`,
    `Demo shop ${DEMO_SHOP}: ${shop.counts.products} products, ${shop.counts.variants} variants, ` +
      `${shop.counts.orders} orders, ${shop.counts.customers} customers, ${shop.counts.locations} locations`,
    "",
    `App settings: SHOPIFY_API_ORIGIN=${simulator.url} SHOPIFY_API_KEY=${config.apiKey} SHOPIFY_API_SECRET=${config.apiSecret}`,
    `Consent page: ${simulator.url}/admin/oauth/authorize?shop=${DEMO_SHOP}&client_id=${config.apiKey}&scope=read_products&redirect_uri=http://localhost:3000/api/v1/shopify/oauth/callback`,
    "Try the Admin API:",
    `  curl -s ${simulator.url}/admin/api/2026-10/graphql.json -H "X-Forwarded-Host: ${DEMO_SHOP}" \\`,
    `    -H "X-Shopify-Access-Token: ${token}" -H "Content-Type: application/json" \\`,
    `    -d '{"query":"{ shop { name } products(first: 3) { nodes { title } } }"}'`,
    `Control API: ${simulator.url}/_control/shops (see packages/shopify-simulator/README.md)`,
  ].join("\n"),
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void simulator.close().then(() => process.exit(0)));
}
