import type { MirrorTable, Queryable } from "@roestify/db";
import { stageLineItems } from "./line-item-staging.ts";
import type { Row, RowTarget } from "./mirror-rows.ts";
import { upsertMirrorRows } from "./mirror-writers.ts";

/**
 * Rows per target collected until a batch is full. A full batch is written while the next one
 * fills (one write in flight), so parsing and the database work at the same time; `flush`
 * writes the rest and resolves once everything is written.
 */
export class MirrorBatch {
  readonly #db: Queryable;
  readonly #connectionId: string;
  readonly #size: number;
  readonly #onWritten: (table: MirrorTable, count: number) => void;
  #pending = new Map<RowTarget, Row[]>();
  #count = 0;
  #writing: Promise<void> = Promise.resolve();

  constructor(options: {
    db: Queryable;
    connectionId: string;
    size: number;
    onWritten: (table: MirrorTable, count: number) => void;
  }) {
    this.#db = options.db;
    this.#connectionId = options.connectionId;
    this.#size = options.size;
    this.#onWritten = options.onWritten;
  }

  /** Adds a row; when the batch is full, waits for the previous write and starts this one. */
  async add(target: RowTarget, row: Row): Promise<void> {
    const rows = this.#pending.get(target);
    if (rows) rows.push(row);
    else this.#pending.set(target, [row]);
    if (++this.#count < this.#size) return;
    await this.#writing;
    this.#writing = this.#write(this.#take());
    // Its failure surfaces at the next `add` or `flush`, not as an unhandled rejection.
    this.#writing.catch(() => {});
  }

  async flush(): Promise<void> {
    await this.#writing;
    await this.#write(this.#take());
  }

  #take(): Map<RowTarget, Row[]> {
    const pending = this.#pending;
    this.#pending = new Map();
    this.#count = 0;
    return pending;
  }

  async #write(pending: Map<RowTarget, Row[]>): Promise<void> {
    for (const [target, rows] of pending) {
      if (target === "order_line_items") {
        await stageLineItems(this.#db, rows);
        continue;
      }
      await upsertMirrorRows(this.#db, this.#connectionId, target, rows);
      this.#onWritten(target, rows.length);
    }
  }
}
