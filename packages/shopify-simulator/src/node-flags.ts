/**
 * Node flags of every simulator process that serves a big shop (its start script, its bench, the
 * sync bench). A 64 MB young generation lets a bulk export's results die young. Allocation-site
 * pretenuring is off: a generated shop's records live for good, and in some runs V8 concluded
 * the same of an export's results, allocated them in the old generation (10–24 MB between two
 * young collections) and marked the whole ~400 MB heap for them: up to 2.2 s more CPU for a full
 * sync's four files (docs/BENCHMARKS.md).
 */
export const simulatorNodeFlags = ["--max-semi-space-size=64", "--no-allocation-site-pretenuring"];
