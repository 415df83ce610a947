import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { EmbeddedCluster } from "./embedded.ts";

const entry = fileURLToPath(new URL("./cluster-process-main.ts", import.meta.url));

/**
 * Starts a persistent embedded cluster in a process of its own, in a new process group: a
 * terminal's Ctrl-C then reaches the processes using the database, which shut down while it
 * still runs, and not PostgreSQL itself. It stops when `stop` is called or its parent ends.
 */
export async function startClusterProcess(
  dataDir: string,
  port?: number,
): Promise<EmbeddedCluster> {
  const child = fork(entry, [dataDir, String(port ?? "")], {
    detached: true,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const [message] = (await Promise.race([
    once(child, "message"),
    once(child, "exit").then(([code]) => [{ error: `exited with code ${code}` }]),
  ])) as [{ url?: string; error?: string }];
  if (!message.url) {
    child.kill();
    throw new Error(`the embedded PostgreSQL did not start: ${message.error}`);
  }
  return { url: message.url, stop: () => stopClusterProcess(child) };
}

async function stopClusterProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  if (child.connected) child.disconnect();
  else child.kill("SIGTERM");
  await exited;
}
