import { type Queryable, typed } from "@roestify/db";
import type { WorkerUtils } from "graphile-worker";

// graphile-worker keeps a crashed worker's jobs locked for 4 hours. Each of our worker pools (the
// id graphile-worker locks jobs with) holds a session advisory lock on its id and is listed in
// `job_workers`; PostgreSQL drops the lock the moment the process dies, so the tick can tell dead
// workers from busy ones at once, without reading graphile-worker's private tables.
const livenessNamespace = 72_616_002;

/**
 * Taken on the worker's own long-lived connection for as long as the worker runs: the lock first,
 * so a listed worker without its lock is a dead one.
 */
export async function holdWorkerLiveness(session: Queryable, workerId: string): Promise<void> {
  await session.query("SELECT pg_advisory_lock($1, hashtext($2))", [livenessNamespace, workerId]);
  await session.query("INSERT INTO job_workers (worker_id) VALUES ($1) ON CONFLICT DO NOTHING", [
    workerId,
  ]);
}

/**
 * A worker that stops cleanly leaves the list. A job it still holds is released first: stopped by
 * SIGTERM, a job's failure is written by graphile-worker without being awaited, and a pool that
 * closes before that write would leave the job locked for 4 hours, out of the tick's reach.
 */
export async function endWorkerLiveness(session: Queryable, workerId: string): Promise<void> {
  await session.query("SELECT graphile_worker.force_unlock_workers(ARRAY[$1])", [workerId]);
  await session.query("DELETE FROM job_workers WHERE worker_id = $1", [workerId]);
}

/** Unlocks the jobs of listed workers whose liveness lock is gone; returns their ids. */
export async function releaseDeadWorkers(
  db: Queryable,
  utils: Pick<WorkerUtils, "forceUnlockWorkers">,
): Promise<string[]> {
  const workers = await typed(db).selectFrom("job_workers").select("worker_id").execute();
  const dead: string[] = [];
  for (const { worker_id: workerId } of workers) {
    const probe = await db.query<{ free: boolean }>(
      "SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS free",
      [livenessNamespace, workerId],
    );
    if (probe.rows[0]?.free) dead.push(workerId);
  }
  if (dead.length) {
    await utils.forceUnlockWorkers(dead);
    await db.query("DELETE FROM job_workers WHERE worker_id = ANY($1)", [dead]);
  }
  return dead;
}
