import { parseArgs } from "node:util";
import { z } from "zod";

const cliConfig = z.object({
  port: z.coerce.number().int().min(0).max(65_535),
  host: z.string().min(1),
  apiKey: z.string().min(1),
  apiSecret: z.string().min(1),
  bulkDelayMs: z.coerce.number().int().min(0),
});

export type CliConfig = z.infer<typeof cliConfig>;

/**
 * The CLI's settings: flags first, then environment (`SIMULATOR_PORT`, `SIMULATOR_HOST`,
 * `SHOPIFY_API_KEY`, `SHOPIFY_API_SECRET`, `SIMULATOR_BULK_DELAY_MS`), then demo defaults.
 * Throws one line naming the first bad setting.
 */
export function readCliConfig(
  argv: string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): CliConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "api-key": { type: "string" },
      "api-secret": { type: "string" },
      "bulk-delay-ms": { type: "string" },
    },
  });
  const parsed = cliConfig.safeParse({
    port: values.port ?? env.SIMULATOR_PORT ?? 8787,
    host: values.host ?? env.SIMULATOR_HOST ?? "127.0.0.1",
    apiKey: values["api-key"] ?? env.SHOPIFY_API_KEY ?? "roestify-demo-api-key",
    apiSecret: values["api-secret"] ?? env.SHOPIFY_API_SECRET ?? "roestify-demo-api-secret",
    bulkDelayMs: values["bulk-delay-ms"] ?? env.SIMULATOR_BULK_DELAY_MS ?? 1000,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid setting ${String(issue?.path[0])}: ${issue?.message}`);
  }
  return parsed.data;
}
