/**
 * Node flags of every worker process (`pnpm start`, `pnpm --filter @roestify/worker start`, the
 * bench). V8 grows its heap far beyond the live data of a streaming sync; a bounded old space
 * keeps a worker's memory flat and under 300 MB (docs/BENCHMARKS.md).
 */
export const workerNodeFlags = ["--max-old-space-size=160"];
