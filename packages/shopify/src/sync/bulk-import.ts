import { ShopifyApiError } from "../admin-client.ts";
import { awaitBulkOperation, startBulkOperation } from "./bulk-operation.ts";
import { BulkStaging } from "./bulk-staging.ts";
import { ExpiredResultError, readJsonl, TruncatedDownloadError } from "./jsonl.ts";
import { emitMirrorRows, type Row, type RowTarget } from "./mirror-rows.ts";
import type { SyncRun } from "./sync-run.ts";

/** A bulk query of a job, kept in the job's state. */
export interface BulkQueryState {
  /** The running operation; kept so a retried job resumes it instead of starting another. */
  id: string | null;
  /** Shopify's time the operation started: incremental syncs continue from there. */
  createdAt?: string;
  imported?: boolean;
}

/**
 * Runs a bulk query (or resumes the one `entry` names) and streams its result into the mirrors.
 * A failed, cancelled or expired operation is run again, a bounded number of times.
 */
export async function importBulkQuery(
  run: SyncRun,
  name: string,
  query: string,
  entry: BulkQueryState,
): Promise<void> {
  if (entry.imported) return;
  const poll = { pollMs: run.settings.bulkPollMs, signal: run.signal, finished: run.bulkFinished };
  for (let restarts = 0; ; restarts++) {
    if (!entry.id) {
      entry.id = await startBulkOperation(run.client, query, poll);
      await run.saveState();
    }
    await run.progress(name, "bulk_running");
    const operation = await awaitBulkOperation(run.client, entry.id, poll);
    let failure: string;
    if (operation?.status === "COMPLETED") {
      try {
        await run.progress(name, "importing");
        // No link but objects: the link expired, which must not pass for an empty result.
        if (operation.url) await importBulkFile(run, operation.url);
        else if (operation.objectCount !== "0")
          throw new ExpiredResultError("the result link expired");
        entry.createdAt = operation.createdAt;
        entry.imported = true;
        await run.saveState();
        await run.progress(name, "imported");
        return;
      } catch (error) {
        if (!(error instanceof ExpiredResultError)) throw error;
        failure = error.message;
      }
    } else if (operation?.errorCode === "ACCESS_DENIED") {
      // A missing scope: running it again cannot help.
      throw new ShopifyApiError("permanent", `bulk operation for ${name}: access denied`);
    } else {
      failure = operation ? `${operation.status} ${operation.errorCode ?? ""}`.trim() : "not found";
    }
    if (restarts >= run.settings.maxBulkRestarts) {
      throw new Error(`bulk operation for ${name} failed ${restarts + 1} times (${failure})`);
    }
    run.log.warn({ part: name, failure }, "bulk operation failed, starting it again");
    entry.id = null;
    await run.saveState();
  }
}

/** PostgreSQL's `unique_violation`: a file copied straight into a mirror repeats a row. */
const repeatsARow = (error: unknown) => (error as { code?: string }).code === "23505";

/**
 * Reads the file again when the download was cut (bounded, then the job's retry takes over), and
 * through the staging alone when it repeats a row a direct COPY cannot take.
 */
async function importBulkFile(run: SyncRun, url: string): Promise<void> {
  let direct = true;
  for (let retries = 0; ; ) {
    try {
      return await importOnce(run, url, direct);
    } catch (error) {
      if (direct && repeatsARow(error)) {
        direct = false;
        run.log.warn({}, "bulk file repeats a row, reading it again through the staging");
        continue;
      }
      if (
        !(error instanceof TruncatedDownloadError) ||
        retries++ >= run.settings.maxDownloadRetries
      ) {
        throw error;
      }
      run.log.warn({ reason: error.message }, "bulk download cut short, reading it again");
    }
  }
}

/** Streams one JSONL file into the mirrors through a staging of its own. */
async function importOnce(run: SyncRun, url: string, direct: boolean): Promise<void> {
  const staging = new BulkStaging(run.db.pool, run.connectionId, {
    chunkBytes: run.settings.stagingChunkBytes,
    direct,
  });
  try {
    const rows: [RowTarget, Row][] = [];
    const collect = (target: RowTarget, row: Row) => rows.push([target, row]);
    for await (const lines of readJsonl(url, { ...run.settings.download, signal: run.signal })) {
      run.signal.throwIfAborted();
      for (const { node, text } of lines) emitMirrorRows(node, collect, text);
      for (const [target, row] of rows) {
        const waiting = staging.add(target, row);
        if (waiting) await waiting;
      }
      rows.length = 0;
    }
    const written = await staging.merge();
    // Counted once the file is complete, so a re-read download is not counted twice.
    for (const [table, count] of written) run.wrote(table, count);
  } finally {
    await staging.release();
  }
}
