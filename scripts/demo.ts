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
export async function startDemo(secrets: DemoSecrets) {
  const simulator = await startSimulator({
    host: "127.0.0.1",
    apiKey: secrets.SHOPIFY_API_KEY,
    apiSecret: secrets.SHOPIFY_API_SECRET,
    shops: [{ domain: demoShop, seed: 2026, products: 12, customers: 40, orders: 60 }],
  });
  return {
    env: { ...secrets, SHOPIFY_API_ORIGIN: simulator.url, DEMO_MODE: "true" },
    stop: () => simulator.close(),
    async instructions(appUrl: string) {
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
      ].join("\n");
    },
  };
}
