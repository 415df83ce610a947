import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ConfigError, prepareDatabase, readDatabaseEnv, resolveDatabaseUrl } from "@roestify/db";
import { readApiEnv } from "@roestify/runtime";
import { readShopifyEnv } from "@roestify/shopify";
import { workerNodeFlags } from "@roestify/worker";
import { demoSecrets, startDemo } from "./demo.ts";
import { inheritedEnv, readStartEnv } from "./env.ts";

// `pnpm start`: the database (embedded unless DATABASE_URL is set), migrations, then web and
// worker as two processes — in demo mode with a simulated Shopify and generated secrets.
const root = new URL("..", import.meta.url);

let settings: ReturnType<typeof readStartEnv>;
let secrets: ReturnType<typeof demoSecrets> | undefined;
let env: NodeJS.ProcessEnv;
let appUrl: string;
try {
  settings = readStartEnv();
  secrets = settings.demo ? demoSecrets() : undefined;
  env = {
    ...inheritedEnv(),
    ...secrets,
    PORT: String(settings.PORT),
    ...(settings.demo && !settings.HOST ? { HOST: "127.0.0.1" } : {}),
  };
  // What web and worker will check, checked once here: a bad setting is one line, not two.
  readDatabaseEnv(env);
  appUrl = readApiEnv(env).APP_URL;
  readShopifyEnv(env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`start: configuration error: ${error.message}`);
  process.exit(1);
}

const database = await resolveDatabaseUrl(readDatabaseEnv(env).databaseUrl);
await prepareDatabase(database.url);
const demo = secrets ? await startDemo(secrets, appUrl) : undefined;
const childEnv = { ...env, ...demo?.env, DATABASE_URL: database.url };

const processes = [
  { entry: "apps/web/src/main.ts", flags: [] },
  { entry: "apps/worker/src/main.ts", flags: workerNodeFlags },
];
const children = processes.map(({ entry, flags }) =>
  spawn(process.execPath, [...flags, fileURLToPath(new URL(entry, root))], {
    env: childEnv,
    stdio: "inherit",
  }),
);

let stopping = false;
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  await Promise.all(children.map((child) => stopChild(child)));
  await demo?.stop();
  await database.stop();
  process.exit(code);
}

function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

for (const child of children) {
  child.once("exit", (code) => {
    if (!stopping) void stopAll(code || 1);
  });
}
process.once("SIGTERM", () => void stopAll(0));
process.once("SIGINT", () => void stopAll(0));

await waitUntilReady(`http://127.0.0.1:${settings.PORT}/readyz`);
console.log(`\nRoestify × Shopify is running at ${appUrl}`);
if (demo) console.log(await demo.instructions());

async function waitUntilReady(url: string) {
  for (let attempt = 0; attempt < 300 && !stopping; attempt++) {
    const ready = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
