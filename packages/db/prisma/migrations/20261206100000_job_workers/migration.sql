-- The graphile-worker pools of our processes: each holds a session advisory lock on its id while
-- it lives, so the queue tick can tell a dead worker's locked jobs from a busy one's.
CREATE TABLE "job_workers" (
    "worker_id" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),

    CONSTRAINT "job_workers_pkey" PRIMARY KEY ("worker_id")
);
