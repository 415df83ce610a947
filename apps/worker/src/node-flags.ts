/**
 * Node flags of every worker process (`pnpm start`, `pnpm --filter @roestify/worker start`, the
 * bench). V8 grows its heap far beyond the live data of a streaming sync; a bounded old space
 * keeps a worker's memory flat and under 300 MB, and a bounded young generation (on a machine
 * with much memory, V8 takes 64 MB semi-spaces) keeps ~60 MB of that free at nearly the same
 * speed (docs/BENCHMARKS.md).
 */
export const workerNodeFlags = ["--max-old-space-size=160", "--max-semi-space-size=32"];
