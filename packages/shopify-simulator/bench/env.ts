import { z } from "zod";

const count = z.coerce.number().int().positive();

/** The simulator bench's settings (docs/BENCHMARKS.md), and the role of its child process. */
export const benchEnv = z
  .object({
    BENCH_PRODUCTS: count.default(10_000),
    BENCH_ORDERS: count.default(100_000),
    BENCH_SECONDS: count.default(10),
    BENCH_CLIENTS: count.default(4),
    BENCH_ROLE: z.enum(["server"]).optional(),
  })
  .parse(process.env);

/** The server process's environment: this one's, in the server's role. */
export const serverEnv = () => ({ ...process.env, BENCH_ROLE: "server" });
