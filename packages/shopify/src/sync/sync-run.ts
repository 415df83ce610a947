import { type Database, type MirrorTable, type Queryable, typed } from "@roestify/db";
import type { AdminClient } from "../admin-client.ts";
import type { BulkFinished } from "./bulk-operation.ts";
import { type DownloadOptions, defaultDownloadOptions } from "./jsonl.ts";

export interface SyncSettings {
  /** Shortest interval between polls of a running bulk operation (see `awaitBulkOperation`). */
  bulkPollMs: number;
  /** COPY text sent per statement and staging table while a bulk file is read. */
  stagingChunkBytes: number;
  /** How far before its cursor an incremental sync reads again (Shopify's search lags). */
  overlapMs: number;
  /** Bounded retries: a failed bulk operation is run again, a cut download read again. */
  maxBulkRestarts: number;
  maxDownloadRetries: number;
  /** From this many changes on, an incremental sync reads a resource by bulk operation. */
  bulkChangeThreshold: number;
  /** How bulk result files are downloaded (timeouts; loopback http in development). */
  download: Required<Omit<DownloadOptions, "signal">>;
}

export const defaultSyncSettings: SyncSettings = {
  bulkPollMs: 250,
  stagingChunkBytes: 2 ** 20,
  overlapMs: 5 * 60 * 1000,
  maxBulkRestarts: 3,
  maxDownloadRetries: 3,
  bulkChangeThreshold: 10_000,
  download: defaultDownloadOptions,
};

/** JSON the job keeps between attempts (`shopify_sync_jobs.state`). */
export type SyncState = Record<string, unknown>;

/**
 * One run of a sync job as the sync logic sees it; the job runner (@roestify/jobs) provides it and
 * keeps the job row's state, progress and row counts.
 */
export interface SyncRun {
  db: Database;
  client: AdminClient;
  connectionId: string;
  settings: SyncSettings;
  /**
   * Aborted when the worker shuts down or the job is cancelled: the run stops at the next step,
   * its state saved.
   */
  signal: AbortSignal;
  log: {
    info(details: object, message: string): void;
    warn(details: object, message: string): void;
  };
  /** When given, a bulk operation's `bulk_operations/finish` webhook ends its poll's wait. */
  bulkFinished?: BulkFinished;
  /** Saved across attempts, so a retried job resumes (e.g. running bulk operations). */
  state: SyncState;
  saveState(): Promise<void>;
  /** Counts rows written per mirror table (the job's `rows_written`). */
  wrote(table: MirrorTable, count: number): void;
  /** Records how far a part of the sync is (the job's `progress`) and persists the counts. */
  progress(part: string, status: string): Promise<void>;
  /**
   * Writes a batch of mirror rows in one transaction, only while the job still runs (a cancelled
   * job writes nothing more).
   */
  write<T>(writes: (tx: Queryable) => Promise<T>): Promise<T>;
  /** What can follow as soon as the products are mirrored, while the other parts still load. */
  productsMirrored(): Promise<void>;
  /** Runs `finish` in the transaction that marks the job succeeded. */
  complete(finish: (tx: Queryable) => Promise<void>): Promise<void>;
}

/** Stores a resource's incremental cursor (Shopify's time of the newest change read). */
export async function saveCursor(
  db: Queryable,
  connectionId: string,
  resource: string,
  at: Date | string,
) {
  await db.query(
    `INSERT INTO shopify_sync_cursors (connection_id, resource, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (connection_id, resource) DO UPDATE SET updated_at = EXCLUDED.updated_at`,
    [connectionId, resource, at],
  );
}

async function readCursor(db: Queryable, connectionId: string, resource: string) {
  const cursor = await typed(db)
    .selectFrom("shopify_sync_cursors")
    .select("updated_at")
    .where("connection_id", "=", connectionId)
    .where("resource", "=", resource)
    .executeTakeFirst();
  return cursor?.updated_at ?? null;
}

/** Shopify's search takes second precision: `2026-11-26T10:00:00Z`. */
const searchTime = (at: number) => `${new Date(at).toISOString().slice(0, 19)}Z`;

/**
 * The search filter for what changed since the cursor, minus the overlap window (Shopify's search
 * index lags a little); null without a cursor, which reads everything.
 */
export async function changedSince(
  run: SyncRun,
  field: string,
  cursor: string,
): Promise<string | null> {
  const at = await readCursor(run.db.pool, run.connectionId, cursor);
  return at ? `${field}:>='${searchTime(at.getTime() - run.settings.overlapMs)}'` : null;
}
