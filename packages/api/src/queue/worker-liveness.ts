import type { Queryable } from "@roestify/db";

// graphile-worker keeps a crashed worker's jobs locked for 4 hours. Each live worker pool (the id
// graphile-worker locks jobs with) holds a session advisory lock on its id instead; PostgreSQL drops it the moment the process dies, so
// the tick can tell dead workers from busy ones at once.
const livenessNamespace = 72_616_002;

/** Taken on the worker's own long-lived connection for as long as the worker runs. */
export async function holdWorkerLiveness(session: Queryable, workerId: string): Promise<void> {
  await session.query("SELECT pg_advisory_lock($1, hashtext($2))", [livenessNamespace, workerId]);
}

/** Unlocks the jobs of workers whose liveness lock is gone; returns their ids. */
export async function releaseDeadWorkers(db: Queryable): Promise<string[]> {
  const locked = await db.query<{ locked_by: string }>(
    // A new worker takes its liveness lock within milliseconds of being created; jobs locked only
    // a moment ago are left alone so that lock is never raced.
    `SELECT DISTINCT locked_by FROM graphile_worker._private_jobs
     WHERE locked_by IS NOT NULL AND locked_at < now() - interval '10 seconds'`,
  );
  const dead: string[] = [];
  for (const { locked_by: workerId } of locked.rows) {
    const probe = await db.query<{ free: boolean }>(
      "SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS free",
      [livenessNamespace, workerId],
    );
    if (probe.rows[0]?.free) dead.push(workerId);
  }
  if (dead.length) {
    await db.query("SELECT graphile_worker.force_unlock_workers($1::text[])", [dead]);
  }
  return dead;
}
