import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { prepareDatabase, readDatabaseEnv, resolveDatabaseUrl } from "@roestify/db";
import { startDemo } from "./demo.ts";
import { inheritedEnv, readStartEnv } from "./env.ts";

// `pnpm start`: the database (embedded unless DATABASE_URL is set), migrations, then web and
// worker as two processes — in demo mode with a simulated Shopify and generated secrets.
const root = new URL("..", import.meta.url);
const settings = readStartEnv();
const database = await resolveDatabaseUrl(readDatabaseEnv().databaseUrl);
await prepareDatabase(database.url);

const demo = settings.demo ? await startDemo() : undefined;
const env = {
  ...inheritedEnv(),
  ...demo?.env,
  DATABASE_URL: database.url,
  PORT: String(settings.PORT),
  ...(settings.demo && !settings.HOST ? { HOST: "127.0.0.1" } : {}),
};

const children = ["apps/web/src/main.ts", "apps/worker/src/main.ts"].map((entry) =>
  spawn(process.execPath, [fileURLToPath(new URL(entry, root))], { env, stdio: "inherit" }),
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

const appUrl = (settings.APP_URL ?? `http://localhost:${settings.PORT}`).replace(/\/+$/, "");
await waitUntilReady(`http://127.0.0.1:${settings.PORT}/readyz`);
console.log(`\nRoestify × Shopify is running at ${appUrl}`);
if (demo) console.log(await demo.instructions(appUrl));

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
