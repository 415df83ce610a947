import { parseEnv } from "@roestify/db";
import { z } from "zod";

const schema = z.object({
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
});

export type WorkerEnv = z.infer<typeof schema>;

export function readWorkerEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  return parseEnv(schema, source);
}
