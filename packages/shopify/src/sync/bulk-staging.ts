import { once } from "node:events";
import type { Writable } from "node:stream";
import type { MirrorTable, Queryable } from "@roestify/db";
import type { Pool, PoolClient } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { type ColumnType, copyLine } from "./copy-text.ts";
import type { Row, RowTarget } from "./mirror-rows.ts";
import { holdsRowsOfConnection, mirrorSpecs, type RowSource, upsertSql } from "./mirror-writers.ts";
import { OrderAssembly } from "./order-assembly.ts";

type Columns = [string, ColumnType][];

interface StagedTarget {
  target: RowTarget;
  session: StagingSession;
  table: string;
  columns: Columns;
  /** The COPY's column list: the connection first, for a mirror table's rows. */
  copyColumns: string;
  /** Copied straight into the mirror (see `BulkStaging`); known once its session has looked. */
  direct: boolean;
  /** What each COPY line starts with: the connection, for a mirror table's rows. */
  prefix: string;
  /** COPY lines not sent yet, off the JavaScript heap (reused: its bytes are copied to send). */
  chunk: Buffer;
  used: number;
  rows: number;
}

const lineItemColumns: Columns = [
  ["order_id", "bigint"],
  ["item", "jsonb"],
];
const stagingTable = (target: RowTarget) => `pg_temp.staged_${target}`;

const sourceOf = (table: MirrorTable): RowSource => ({
  name: "staging",
  from: `${stagingTable(table)} r`,
  mayRepeat: false,
});

/**
 * How many orders wait for their line items at once (`OrderAssembly`): enough for a file that
 * keeps line items near their order, few enough that the waiting rows die young in V8's heap
 * (a window of 1,000 cost the worker 3 s more CPU in a full sync of 100,000 orders).
 */
const orderWindow = 32;

/** A COPY a session streams: at most one at a time per session. */
interface OpenCopy {
  of: StagedTarget;
  stream: Writable;
  /** Rejects with the server's error, which pg-copy-streams emits without ending the stream. */
  failed: Promise<never>;
  /** That error, once it came: the server has ended the COPY and aborted the transaction. */
  error?: unknown;
}

/**
 * A session of the import and its statements, one at a time, in one transaction: what the
 * file's rows do on this session is committed at once, or not at all. A table's lines stream
 * into one long COPY while the session has nothing else to do, rather than a statement per
 * chunk (each of which cost PostgreSQL a pause; see docs/BENCHMARKS.md).
 */
class StagingSession {
  readonly #client: Promise<PoolClient>;
  #queue: Promise<unknown>;
  #open = true;
  #copy: OpenCopy | null = null;

  constructor(pool: Pool) {
    this.#client = pool.connect();
    this.#queue = this.#client.then((db) => db.query("BEGIN"));
    this.#queue.catch(() => {});
  }

  /** Queues a statement behind the session's others; a failure surfaces at the next `settled`. */
  run(step: (db: PoolClient) => Promise<unknown>): void {
    this.#enqueue(async (db) => {
      await this.#endCopy();
      return step(db);
    });
  }

  /** Queues COPY lines for the target, into the COPY already open for it or a new one. */
  send(staged: StagedTarget, lines: Buffer): void {
    this.#enqueue(async (db) => {
      const { stream, failed } =
        this.#copy?.of === staged ? this.#copy : await this.#openCopy(db, staged);
      const written = new Promise<void>((resolve, reject) =>
        stream.write(lines, (error) => (error ? reject(error) : resolve())),
      );
      await Promise.race([written, failed]);
    });
  }

  settled(): Promise<unknown> {
    return this.#queue;
  }

  commit(): void {
    this.run(async (db) => {
      await db.query("COMMIT");
      this.#open = false;
    });
  }

  /** Rolls back what was not committed (the staging tables go with the transaction). */
  async release(): Promise<void> {
    const client = await this.#client.catch(() => null);
    if (!client) return;
    await this.#queue.catch(() => {});
    // A COPY cut short (the download failed) is aborted first: the server refuses it, and the
    // stream closes once it has (its error goes to the copy's `failed`).
    const open = this.#copy && !("error" in this.#copy) ? this.#copy.stream : null;
    if (open) await new Promise((resolve) => open.destroy().once("close", resolve));
    const rolledBack = () =>
      client.query("ROLLBACK").then(
        () => true,
        () => false,
      );
    const clean = !this.#open || (await rolledBack());
    // A session that could not be rolled back is closed rather than handed on.
    client.release(!clean);
  }

  #enqueue(step: (db: PoolClient) => Promise<unknown>): void {
    this.#queue = this.#queue.then(() => this.#client.then(step));
    this.#queue.catch(() => {});
  }

  /** Ends the session's open COPY and starts one into the target's table. */
  async #openCopy(db: PoolClient, staged: StagedTarget): Promise<OpenCopy> {
    await this.#endCopy();
    const table = staged.direct ? staged.target : staged.table;
    const stream = db.query(copyFrom(`COPY ${table} (${staged.copyColumns}) FROM STDIN`));
    const copy: OpenCopy = {
      of: staged,
      stream,
      failed: once(stream, "error").then(([error]) => {
        copy.error = error;
        throw error;
      }),
    };
    copy.failed.catch(() => {});
    this.#copy = copy;
    return copy;
  }

  /** Ends the open COPY; one the server failed between steps fails the step with its error. */
  async #endCopy(): Promise<void> {
    const copy = this.#copy;
    if (!copy) return;
    this.#copy = null;
    if ("error" in copy) throw copy.error;
    copy.stream.end();
    await Promise.race([once(copy.stream, "finish"), copy.failed]);
  }
}

/**
 * A bulk file's rows on their way into the mirrors. Orders take their line items on the way
 * (`OrderAssembly`). The rows stream (COPY, text format, a chunk of `chunkBytes` per table at a
 * time) into temporary tables, then `merge` writes each table with one upsert, and the line
 * items that came too late for their order into it. A mirror table that holds no row of the
 * connection yet (a first sync) is copied into directly instead, when `direct` allows it: a file
 * that repeats a row then fails with a unique violation, and is read again without.
 * Each mirror table has a session of its own while the pool has one to spare (an order's line
 * items go with it), so the tables are copied and merged in parallel.
 */
export class BulkStaging {
  readonly #pool: Pool;
  readonly #connectionId: string;
  readonly #options: { chunkBytes: number; direct: boolean };
  readonly #targets = new Map<RowTarget, StagedTarget>();
  readonly #sessions = new Map<RowTarget, StagingSession>();
  readonly #orders = new OrderAssembly({
    size: orderWindow,
    emit: (order) => this.#write("shopify_orders", order),
    late: (lineItem) => this.#write("order_line_items", lineItem),
  });

  constructor(pool: Pool, connectionId: string, options: { chunkBytes: number; direct: boolean }) {
    this.#pool = pool;
    this.#connectionId = connectionId;
    this.#options = options;
  }

  /**
   * Stages a row. A promise only when the row's chunk was full and waits for its session: the
   * rows of a file are many, and most need no wait.
   */
  add(target: RowTarget, row: Row): Promise<void> | undefined {
    if (target === "shopify_orders") return this.#orders.order(row);
    if (target === "order_line_items") return this.#orders.lineItem(row);
    return this.#write(target, row);
  }

  #write(target: RowTarget, row: Row): Promise<void> | undefined {
    const staged = this.#targets.get(target) ?? this.#stage(target, row);
    const line = staged.prefix + copyLine(row, staged.columns);
    staged.rows++;
    // UTF-8 takes at most three bytes per UTF-16 unit.
    if (staged.used + 3 * line.length > staged.chunk.length) return this.#sendFull(staged, line);
    staged.used += staged.chunk.write(line, staged.used);
  }

  /**
   * Sends the table's full chunk once its session has taken the one before (so at most a chunk
   * per table waits to be sent), then stages the line; a line longer than a chunk goes alone.
   */
  async #sendFull(staged: StagedTarget, line: string): Promise<void> {
    await staged.session.settled();
    this.#send(staged);
    if (3 * line.length > staged.chunk.length) staged.session.send(staged, Buffer.from(line));
    else staged.used += staged.chunk.write(line, staged.used);
  }

  /**
   * Sends what is left, upserts each staged mirror table (the newest row per key when the file
   * repeats one) and commits, the sessions in parallel; resolves to the file's rows per mirror
   * table.
   */
  async merge(): Promise<Map<MirrorTable, number>> {
    await this.#orders.flush();
    for (const staged of this.#targets.values()) this.#send(staged);
    const written = new Map<MirrorTable, number>();
    for (const [target, staged] of this.#targets) {
      if (target === "order_line_items") continue;
      staged.session.run((db) =>
        staged.direct
          ? completeCopy(db, target, this.#connectionId)
          : mergeStaged(db, target, staged, this.#connectionId),
      );
      written.set(target, staged.rows);
    }
    // On the orders' session, after their write.
    const late = this.#targets.get("order_line_items");
    late?.session.run((db) => mergeLateLineItems(db, late, this.#connectionId));
    for (const session of this.#uniqueSessions()) session.commit();
    // Every session settles before a failure is reported: none may still be writing then.
    const outcomes = await Promise.allSettled(
      this.#uniqueSessions().map((session) => session.settled()),
    );
    const failure = outcomes.find((outcome) => outcome.status === "rejected");
    if (failure) throw failure.reason;
    return written;
  }

  /** Rolls back what was not merged and returns the sessions to the pool. */
  async release(): Promise<void> {
    await Promise.all(this.#uniqueSessions().map((session) => session.release()));
  }

  #uniqueSessions(): StagingSession[] {
    return [...new Set(this.#sessions.values())];
  }

  /**
   * A target's COPY destination, chosen on its first row with the columns that row carries: a
   * staging table, or the mirror itself.
   */
  #stage(target: RowTarget, row: Row): StagedTarget {
    // An order's line items share its session: its merge reads both tables.
    const group = target === "order_line_items" ? "shopify_orders" : target;
    let session = this.#sessions.get(group);
    if (!session) {
      // A session of its own while the pool has one to spare, else the file's first: an import
      // never waits for a session while holding one, so imports cannot starve each other.
      const first = this.#sessions.values().next().value;
      session = first && !hasSpareSession(this.#pool) ? first : new StagingSession(this.#pool);
      this.#sessions.set(group, session);
    }
    const spec = target === "order_line_items" ? null : mirrorSpecs[target];
    const columns: Columns = spec
      ? Object.entries(spec.columns).filter(([column]) => column in row)
      : lineItemColumns;
    // A mirror table's rows start with the connection (`prefix`), which the rows do not carry.
    const copied: Columns = spec ? [["connection_id", "uuid"], ...columns] : columns;
    const staged: StagedTarget = {
      target,
      session,
      table: stagingTable(target),
      columns,
      copyColumns: copied.map(([column]) => column).join(", "),
      direct: false,
      prefix: spec ? `${this.#connectionId}\t` : "",
      chunk: Buffer.allocUnsafe(this.#options.chunkBytes),
      used: 0,
      rows: 0,
    };
    this.#targets.set(target, staged);
    const definition = copied.map(([column, type]) => `${column} ${type}`).join(", ");
    // A mirror whose upsert computes or queues something is copied into only when its spec
    // says what a copy needs (`afterCopy`).
    const copyable = spec && (spec.afterCopy || (!spec.derived && !spec.afterWrite));
    session.run(async (db) => {
      if (this.#options.direct && copyable) {
        const filled = await db.query<{ filled: boolean }>(
          `SELECT ${holdsRowsOfConnection(target as MirrorTable)} AS filled`,
          [this.#connectionId],
        );
        staged.direct = filled.rows[0]?.filled === false;
      }
      if (!staged.direct) {
        await db.query(`CREATE TEMP TABLE ${staged.table} (${definition}) ON COMMIT DROP`);
      }
    });
    return staged;
  }

  /** Queues the table's pending lines on its session, copied: the chunk fills again at once. */
  #send(staged: StagedTarget): void {
    if (staged.used === 0) return;
    staged.session.send(staged, Buffer.from(staged.chunk.subarray(0, staged.used)));
    staged.used = 0;
  }
}

/** The line items of `items` (a jsonb array), each id once, in id order. */
const uniqueLineItems = (items: string) => `(
  SELECT jsonb_agg(item ORDER BY (item->>'id')::bigint)
  FROM (SELECT DISTINCT ON (item->'id') item FROM jsonb_array_elements(${items}) AS e(item)) d)`;

/**
 * Whether the pool hands out one more session now, without waiting for one to be released: its
 * idle sessions and the ones it may still open outnumber those already asked for.
 */
const hasSpareSession = (pool: Pool) =>
  pool.waitingCount < pool.idleCount + (pool.options.max ?? 10) - pool.totalCount;

/** What the mirror's upsert would have done for the rows copied into it (`afterCopy`). */
async function completeCopy(db: Queryable, target: MirrorTable, connectionId: string) {
  for (const statement of mirrorSpecs[target].afterCopy ?? []) {
    await db.query(statement, [connectionId]);
  }
}

/**
 * Keeps the newest staged row per key (an order repeated by the file with the line items of all
 * its copies), then upserts the table into its mirror.
 */
async function mergeStaged(
  db: Queryable,
  target: MirrorTable,
  staged: StagedTarget,
  connectionId: string,
): Promise<void> {
  const { key } = mirrorSpecs[target];
  if (staged.columns.some(([column]) => column === "line_items")) {
    await db.query(
      `UPDATE ${staged.table} s SET line_items = ${uniqueLineItems("f.items")}
       FROM (SELECT d.shopify_id, jsonb_agg(e.item) AS items
             FROM ${staged.table} d, jsonb_array_elements(d.line_items) AS e(item)
             WHERE d.shopify_id IN (
               SELECT shopify_id FROM ${staged.table} GROUP BY shopify_id HAVING count(*) > 1)
             GROUP BY d.shopify_id) f
       WHERE s.shopify_id = f.shopify_id`,
    );
  }
  await db.query(
    `DELETE FROM ${staged.table} s USING ${staged.table} n
     WHERE ${key.map((k) => `s.${k} = n.${k}`).join(" AND ")}
       AND (coalesce(n.shopify_updated_at, '-infinity'), n.ctid)
         > (coalesce(s.shopify_updated_at, '-infinity'), s.ctid)`,
  );
  const columns = staged.columns.map(([column]) => column);
  await db.query(upsertSql(target, columns, sourceOf(target)), [connectionId]);
}

/**
 * Adds the line items that came too late for their order (`OrderAssembly`) to the orders this
 * transaction wrote (`synced_at = now()`); an order the file did not replace (a newer version is
 * stored) keeps its own.
 */
async function mergeLateLineItems(db: Queryable, late: StagedTarget, connectionId: string) {
  await db.query(
    `UPDATE shopify_orders o SET line_items = ${uniqueLineItems("o.line_items || l.items")}
     FROM (SELECT order_id, jsonb_agg(item) AS items FROM ${late.table} GROUP BY order_id) l
     WHERE o.connection_id = $1 AND o.shopify_id = l.order_id AND o.synced_at = now()`,
    [connectionId],
  );
}
