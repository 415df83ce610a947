import { useMutation } from "@tanstack/react-query";
import { useId } from "react";
import {
  dateTime,
  finishedPartStatuses,
  jobStatusLabels,
  jobTypeLabels,
  number,
  syncPartLabels,
  syncPartStatusLabels,
} from "./labels.ts";
import { errorMessage, type Job, type JobType, type Status, useTRPC } from "./trpc.ts";

/** The two sync buttons and the latest job of each type, live. */
export function SyncJobs({ jobs }: { jobs: Status["jobs"] }) {
  const trpc = useTRPC();
  const id = useId();
  const sync = useMutation(trpc.shopify.sync.mutationOptions());
  return (
    <section aria-labelledby={`${id}-heading`} className="card">
      <h2 id={`${id}-heading`}>Synchronisierung</h2>
      <div className="actions">
        <button
          type="button"
          disabled={sync.isPending}
          onClick={() => sync.mutate({ type: "full" })}
        >
          Vollsync starten
        </button>
        <button
          type="button"
          disabled={sync.isPending}
          onClick={() => sync.mutate({ type: "incremental" })}
        >
          Inkrementellen Sync starten
        </button>
      </div>
      {sync.isSuccess && (
        <p role="status" className="success">
          {sync.data.message}
        </p>
      )}
      {sync.isError && (
        <p role="alert" className="error">
          {errorMessage(sync.error)}
        </p>
      )}
      <h3>Letzte Jobs</h3>
      <ul className="jobs">
        {(Object.keys(jobTypeLabels) as JobType[]).map((type) => (
          <JobItem key={type} label={jobTypeLabels[type]} job={jobs[type]} />
        ))}
      </ul>
    </section>
  );
}

function JobItem({ label, job }: { label: string; job: Job | null }) {
  if (!job) {
    return (
      <li>
        <h4>{label}</h4>
        <p className="hint">Noch kein Job.</p>
      </li>
    );
  }
  const parts = Object.entries(job.progress);
  const done = parts.filter(([, status]) => finishedPartStatuses.has(status)).length;
  const active = job.status === "queued" || job.status === "running";
  const rows = Object.values(job.rows_written).reduce((sum, count) => sum + count, 0);
  return (
    <li data-job-type={job.type}>
      <h4>
        {label}:{" "}
        <span className={`badge ${job.status}`}>{jobStatusLabels[job.status] ?? job.status}</span>
      </h4>
      {active && (
        <progress
          aria-label={`Fortschritt ${label}`}
          max={parts.length || undefined}
          value={parts.length ? done : undefined}
        />
      )}
      {parts.length > 0 && (
        <ul className="parts" aria-label={`Teile ${label}`}>
          {parts.map(([part, status]) => (
            <li key={part}>
              {syncPartLabels[part] ?? part}: {syncPartStatusLabels[status] ?? status}
            </li>
          ))}
        </ul>
      )}
      <p className="hint">
        {number.format(rows)} Zeilen geschrieben · eingeplant{" "}
        {dateTime.format(new Date(job.created_at))}
        {job.finished_at && ` · beendet ${dateTime.format(new Date(job.finished_at))}`}
        {job.attempts > 1 && ` · Versuch ${job.attempts} von ${job.max_attempts}`}
      </p>
      {job.last_error && <p className="error">Letzter Fehler: {job.last_error}</p>}
    </li>
  );
}
