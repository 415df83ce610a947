import { ConfigError } from "@roestify/db";
import type { Logger } from "./logger.ts";

/**
 * Runs a long-lived process (web, worker): a configuration error stops start-up with one line
 * naming the variable; SIGTERM/SIGINT stop it cleanly through the returned `stop`.
 */
export async function runService(
  name: string,
  start: () => Promise<{ log: Logger; stop: () => Promise<void> }>,
): Promise<void> {
  let service: Awaited<ReturnType<typeof start>>;
  try {
    service = await start();
  } catch (error) {
    const reason = error instanceof ConfigError ? "configuration error" : "start-up failed";
    console.error(`${name}: ${reason}: ${(error as Error).message}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    service.log.info({ signal }, `${name} stopping`);
    try {
      await service.stop();
      process.exit(0);
    } catch (error) {
      service.log.error({ err: error }, `${name} did not stop cleanly`);
      process.exit(1);
    }
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}
