import { type DestinationStream, pino } from "pino";
import { z } from "zod";

/** LOG_LEVEL of web and worker. */
export const logLevel = z
  .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
  .default("info");

/**
 * Standard output, written a few kB at a time (at the latest every 100 ms, and on exit) rather
 * than one write per line: a request line each costs a write otherwise, a tenth of a signed-in
 * read's CPU in `pnpm bench:api`. A process killed by SIGKILL loses its last 100 ms of lines.
 */
const bufferedStdout = () => pino.destination({ dest: 1, minLength: 4096, periodicFlush: 100 });

/**
 * The one logger setup of web and worker. Secrets never reach a log line: headers that carry
 * them and any field named like a token or secret are redacted wherever they appear.
 */
export function createLogger(options: {
  name: string;
  level?: string;
  destination?: DestinationStream;
}) {
  return pino(
    {
      name: options.name,
      level: options.level ?? "info",
      redact: {
        paths: [
          "req.headers.authorization",
          "req.headers.cookie",
          'req.headers["x-shopify-access-token"]',
          "*.access_token",
          "*.refresh_token",
          "*.accessToken",
          "*.refreshToken",
          "*.client_secret",
          "*.code",
          "*.token",
          "*.password",
          "*.secret",
        ],
        censor: "[redacted]",
      },
    },
    options.destination ?? bufferedStdout(),
  );
}

export type Logger = ReturnType<typeof createLogger>;
