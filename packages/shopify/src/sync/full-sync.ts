import { type MirrorTable, mirrorTables } from "@roestify/db";
import {
  customersBulkQuery,
  inventoryLevelsBulkQuery,
  ordersBulkQuery,
  productsBulkQuery,
} from "../documents/index.ts";
import { type BulkQueryState, importBulkQuery } from "./bulk-import.ts";
import { deleteUnseenRows, filledMirrorTables } from "./mirror-writers.ts";
import { type SyncRun, saveCursor } from "./sync-run.ts";

interface BulkPartSpec {
  query: string;
  /** The incremental cursors the part sets. */
  cursors: string[];
  /** What can follow as soon as the part is written, while the others still load. */
  imported?: (run: SyncRun) => Promise<void>;
}

/** One bulk operation per part (at most five run at once per shop). */
const bulkParts = {
  products: {
    query: productsBulkQuery,
    cursors: ["products", "product_variants", "product_deletions"],
    imported: (run) => run.productsMirrored(),
  },
  orders: { query: ordersBulkQuery, cursors: ["orders"] },
  customers: { query: customersBulkQuery, cursors: ["customers"] },
  inventory_levels: { query: inventoryLevelsBulkQuery, cursors: ["inventory_levels"] },
} satisfies Record<string, BulkPartSpec>;

type BulkPart = keyof typeof bulkParts;

interface FullSyncState {
  /** Database time the run began; rows not written since then are gone from Shopify. */
  startedAt?: string;
  /** The mirror tables that held rows of the connection then: only they can hold unseen rows. */
  filledTables?: MirrorTable[];
  bulk?: Partial<Record<BulkPart, BulkQueryState>>;
}

/**
 * Mirrors the whole shop through bulk operations run in parallel, then — only when every part is
 * written — deletes what the run did not see and sets the incremental cursors, in the transaction
 * that completes the job.
 */
export async function runFullSync(run: SyncRun): Promise<void> {
  const state = run.state as FullSyncState;
  if (!state.startedAt) {
    const now = await run.db.pool.query<{ now: string }>("SELECT now()::text AS now");
    state.startedAt = now.rows[0]?.now;
    state.filledTables = await filledMirrorTables(run.db.pool, run.connectionId);
    state.bulk = {};
    await run.saveState();
  }
  const bulk = state.bulk as Partial<Record<BulkPart, BulkQueryState>>;
  const parts = Object.keys(bulkParts) as BulkPart[];
  // Settle all before failing: a part still writing must not outlive the job's attempt.
  const outcomes = await Promise.allSettled(
    parts.map(async (part) => {
      const entry = bulk[part] ?? { id: null };
      bulk[part] = entry;
      const spec: BulkPartSpec = bulkParts[part];
      await importBulkQuery(run, part, spec.query, entry);
      await spec.imported?.(run);
    }),
  );
  const failure = outcomes.find((outcome) => outcome.status === "rejected");
  if (failure) throw failure.reason;

  await run.complete(async (tx) => {
    const deleted = await deleteUnseenRows(tx, run.connectionId, {
      runStartedAt: state.startedAt as string,
      tables: state.filledTables ?? mirrorTables,
    });
    for (const part of parts) {
      const createdAt = bulk[part]?.createdAt as string;
      for (const cursor of bulkParts[part].cursors) {
        await saveCursor(tx, run.connectionId, cursor, createdAt);
      }
    }
    run.log.info({ deleted }, "full sync deleted rows no longer in Shopify");
  });
}
