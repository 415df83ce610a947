import { parseEnv } from "@roestify/db";
import type { testSecrets } from "@roestify/runtime/testing";
import { z } from "zod";

const count = z.coerce.number().int().min(0);

/** `pnpm bench:sync`'s settings (docs/BENCHMARKS.md), and what its child processes are told. */
const schema = z.object({
  BENCH_SCALE: z.coerce.number().positive().default(1),
  BENCH_PRODUCTS: count.optional(),
  BENCH_ORDERS: count.optional(),
  BENCH_CUSTOMERS: count.optional(),
  BENCH_CHANGES: count.default(1000),
  BENCH_SKIP_COPY: z.string().optional(),
  BENCH_CHUNK_BYTES: count.optional(),
  BENCH_WORKER_ARGS: z.string().default(""),
  BENCH_TIMEOUT_S: count.default(1800),
  BENCH_ROLE: z.enum(["simulator", "worker"]).optional(),
  BENCH_SIMULATOR_URL: z.string().optional(),
  BENCH_DATABASE_URL: z.string().optional(),
  BENCH_JOB_TYPE: z.enum(["full_sync", "incremental_sync"]).optional(),
  BENCH_JOB_ID: z.string().optional(),
  /** A child's secrets, from the bench's process (JSON). */
  BENCH_SECRETS: z
    .string()
    .transform((json): typeof testSecrets => JSON.parse(json))
    .optional(),
});

export const benchEnv = parseEnv(schema, process.env);
