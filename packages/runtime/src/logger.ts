import { type DestinationStream, pino } from "pino";
import { z } from "zod";

/** LOG_LEVEL of web and worker. */
export const logLevel = z
  .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
  .default("info");

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
    options.destination,
  );
}

export type Logger = ReturnType<typeof createLogger>;
