import type { MirrorTable, Queryable } from "@roestify/db";
import { stageLineItems } from "./line-item-staging.ts";
import type { Row, RowTarget } from "./mirror-rows.ts";
import { upsertMirrorRows } from "./mirror-writers.ts";

/** Rows per target collected until a batch is full; `flush` writes them all. */
export class MirrorBatch {
  readonly #db: Queryable;
  readonly #connectionId: string;
  readonly #size: number;
  readonly #onWritten: (table: MirrorTable, count: number) => void;
  #pending = new Map<RowTarget, Row[]>();
  #count = 0;

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

  /** Adds a row; resolves after a flush when the batch became full. */
  async add(target: RowTarget, row: Row): Promise<void> {
    const rows = this.#pending.get(target);
    if (rows) rows.push(row);
    else this.#pending.set(target, [row]);
    if (++this.#count >= this.#size) await this.flush();
  }

  async flush(): Promise<void> {
    const pending = this.#pending;
    this.#pending = new Map();
    this.#count = 0;
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
