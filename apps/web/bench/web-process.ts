import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { childEnv } from "@roestify/db";
import { testSecrets } from "@roestify/runtime/testing";

/**
 * The web app in a process of its own, as `pnpm --filter @roestify/web start` runs it: production
 * conditions (the bench itself runs under `test` for the test secrets), default logging (output
 * discarded unless `stdout` takes it), its own pool. Resolves once `/healthz` answers.
 */
export async function startWebProcess(options: {
  databaseUrl: string;
  port: number;
  /** Node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** More of its configuration, e.g. `SHOPIFY_API_ORIGIN` of a simulator. */
  env?: Record<string, string>;
  /** Where its log lines go (a file descriptor); discarded without. */
  stdout?: number;
}): Promise<{ process: ChildProcess; url: string }> {
  const url = `http://127.0.0.1:${options.port}`;
  const child = fork(fileURLToPath(new URL("../src/main.ts", import.meta.url)), [], {
    execArgv: options.nodeArgs ?? [],
    env: childEnv({
      // The tests' configuration: a throwaway database, nothing of it leaves this machine.
      ...testSecrets,
      DATABASE_URL: options.databaseUrl,
      PORT: String(options.port),
      HOST: "127.0.0.1",
      APP_URL: url,
      ...options.env,
    }),
    stdio: ["ignore", options.stdout ?? "ignore", "inherit", "ipc"],
  });
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`the web process ended (${code})`))),
  );
  const healthy = async () => {
    for (let attempt = 0; attempt < 600; attempt++) {
      if (
        await fetch(`${url}/healthz`).then(
          (answer) => answer.ok,
          () => false,
        )
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${url} did not come up`);
  };
  try {
    await Promise.race([healthy(), exited]);
  } catch (error) {
    child.kill();
    throw error;
  }
  exited.catch(() => {});
  return { process: child, url };
}
