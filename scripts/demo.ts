import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { start as startSimulator } from "@roestify/shopify-simulator";
import { SignJWT } from "jose";

export const demoShop = "roestify-demo.myshopify.com";
const secretsFile = fileURLToPath(new URL("../.data/demo-secrets.json", import.meta.url));

interface DemoSecrets {
  SHOPIFY_API_KEY: string;
  SHOPIFY_API_SECRET: string;
  TOKEN_ENCRYPTION_KEY: string;
  AUTH_JWT_SECRET: string;
  CRON_SECRET: string;
}

/**
 * The demo's secrets: generated on the first run and kept next to the embedded database, so tokens
 * encrypted in one run can be decrypted in the next.
 */
export function demoSecrets(): DemoSecrets {
  if (existsSync(secretsFile)) return JSON.parse(readFileSync(secretsFile, "utf8")) as DemoSecrets;
  const random = () => randomBytes(32).toString("base64url");
  const secrets = {
    SHOPIFY_API_KEY: "roestify-demo",
    SHOPIFY_API_SECRET: random(),
    TOKEN_ENCRYPTION_KEY: random(),
    AUTH_JWT_SECRET: random(),
    CRON_SECRET: random(),
  };
  mkdirSync(fileURLToPath(new URL("../.data", import.meta.url)), { recursive: true });
  writeFileSync(secretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** Demo mode: a simulated Shopify with a small roastery shop, and the app wired to it. */
export async function startDemo(secrets: DemoSecrets, appUrl: string) {
  const simulator = await startSimulator({
    host: "127.0.0.1",
    apiKey: secrets.SHOPIFY_API_KEY,
    apiSecret: secrets.SHOPIFY_API_SECRET,
    // The app configuration's webhook address (shopify.app.toml): compliance topics, uninstalls.
    appWebhookUri: `${appUrl}/api/v1/shopify/webhooks`,
    shops: [{ domain: demoShop, seed: 2026, products: 12, customers: 40, orders: 60 }],
  });
  return {
    env: { ...secrets, SHOPIFY_API_ORIGIN: simulator.url, DEMO_MODE: "true" },
    stop: () => simulator.close(),
    async instructions() {
      const variant = simulator.getInventory(demoShop)[0]?.variantId;
      const order = JSON.stringify({ lineItems: [{ variantId: variant, quantity: 1 }] });
      const token = await new SignJWT({ org: "demo-roesterei" })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject("demo-user")
        .setIssuedAt()
        .setExpirationTime("30d")
        .sign(new TextEncoder().encode(secrets.AUTH_JWT_SECRET));
      const auth = `-H "Authorization: Bearer $TOKEN"`;
      return [
        `Demo mode: simulated Shopify at ${simulator.url} with the shop ${demoShop}.`,
        "",
        "Open the dashboard, signed in as the demo roastery:",
        `${appUrl}/dashboard/demo-sign-in?token=${token}`,
        "",
        "Or use the API:",
        `export TOKEN=${token}`,
        "",
        "# 1. Connect the shop: open the authorize_url in a browser and click Installieren",
        `curl -s ${auth} "${appUrl}/api/v1/shopify/oauth/authorize?shop=${demoShop}"`,
        "# 2. Start a sync and watch it",
        `curl -s ${auth} -X POST -H "Content-Type: application/json" -d '{"type":"full"}' ${appUrl}/api/v1/shopify/sync`,
        `curl -s ${auth} ${appUrl}/api/v1/shopify/status`,
        "# 3. Place an order in the shop: its webhook brings it into the mirrors within seconds",
        `curl -s -X POST -H "Content-Type: application/json" -d '${order}' ${simulator.url}/_control/shops/${demoShop}/orders`,
      ].join("\n");
    },
  };
}
