import type { Row } from "./mirror-rows.ts";

type LineItem = { id: number };

const updatedAt = (row: Row) => Date.parse(row.shopify_updated_at as string);

/**
 * Puts a bulk file's line items into their orders while the file streams. A bulk file
 * (`groupObjects: false`) promises no order of its lines, but an order's line items usually
 * follow it: each order waits in a window of the last `size` orders and takes the line items
 * that come for it, then leaves (oldest first) as one row with them. A line item whose order is
 * not in the window (it came before it, or long after) is `late`: merged into its order once the
 * file is written.
 */
export class OrderAssembly {
  readonly #size: number;
  readonly #emit: (row: Row) => Promise<void> | undefined;
  readonly #late: (row: Row) => Promise<void> | undefined;
  readonly #window = new Map<string, { row: Row; items: Map<number, LineItem> }>();

  constructor(options: {
    size: number;
    emit: (order: Row) => Promise<void> | undefined;
    late: (lineItem: Row) => Promise<void> | undefined;
  }) {
    this.#size = options.size;
    this.#emit = options.emit;
    this.#late = options.late;
  }

  /** Like the writes it makes: a promise only when one of them waits. */
  order(row: Row): Promise<void> | undefined {
    const id = row.shopify_id as string;
    const waiting = this.#window.get(id);
    // The file repeats an order the window holds: the newer copy stays, with the line items
    // found so far.
    if (!waiting) this.#window.set(id, { row, items: new Map() });
    else if (updatedAt(row) >= updatedAt(waiting.row)) waiting.row = row;
    if (this.#window.size > this.#size) return this.#emitOldest();
  }

  /** A line item row: `{ order_id, item }`. */
  lineItem(row: Row): Promise<void> | undefined {
    const waiting = this.#window.get(row.order_id as string);
    const item = row.item as LineItem;
    // Keyed by id: a line item the file repeats is kept once.
    if (waiting) waiting.items.set(item.id, item);
    else return this.#late(row);
  }

  /** Emits the orders still waiting. */
  async flush(): Promise<void> {
    while (this.#window.size > 0) await this.#emitOldest();
  }

  #emitOldest(): Promise<void> | undefined {
    const [id, { row, items }] = this.#window.entries().next().value as [
      string,
      { row: Row; items: Map<number, LineItem> },
    ];
    this.#window.delete(id);
    row.line_items = [...items.values()].sort((a, b) => a.id - b.id);
    return this.#emit(row);
  }
}
