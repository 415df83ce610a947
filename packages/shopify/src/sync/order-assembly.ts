import type { Row } from "./mirror-rows.ts";

type LineItem = { id: number };

interface WaitingOrder {
  id: string;
  row: Row;
  items: LineItem[];
}

const updatedAt = (row: Row) => Date.parse(row.shopify_updated_at as string);

/** Sorted by id, each id once: the copy the file sent last. */
function eachOnce(items: LineItem[]): LineItem[] {
  items.sort((a, b) => a.id - b.id);
  return items.filter((item, index) => items[index + 1]?.id !== item.id);
}

/**
 * Puts a bulk file's line items into their orders while the file streams. A bulk file
 * (`groupObjects: false`) promises no order of its lines, but an order's line items usually
 * follow it: each order waits in a window of the last `size` orders and takes the line items
 * that come for it, then leaves (oldest first) as one row with them. A line item whose order is
 * not in the window (it came before it, or long after) is `late`: merged into its order once the
 * file is written.
 * The window is a plain array, searched from the end: with a `Map` whose entries come and go
 * (also one kept for the lookups only), 4–5 MB rather than 0.1 MB outlived each of V8's young
 * collections and went on into the old generation (1–2 s of CPU for 100,000 orders).
 */
export class OrderAssembly {
  readonly #size: number;
  readonly #emit: (row: Row) => Promise<void> | undefined;
  readonly #late: (row: Row) => Promise<void> | undefined;
  readonly #window: WaitingOrder[] = [];

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
    const waiting = this.#waiting(id);
    // The file repeats an order the window holds: the newer copy stays, with the line items
    // found so far.
    if (!waiting) this.#window.push({ id, row, items: [] });
    else if (updatedAt(row) >= updatedAt(waiting.row)) waiting.row = row;
    if (this.#window.length > this.#size) return this.#emitOldest();
  }

  /** A line item row: `{ order_id, item }`. */
  lineItem(row: Row): Promise<void> | undefined {
    const waiting = this.#waiting(row.order_id as string);
    if (waiting) waiting.items.push(row.item as LineItem);
    else return this.#late(row);
  }

  /** Emits the orders still waiting. */
  async flush(): Promise<void> {
    while (this.#window.length > 0) await this.#emitOldest();
  }

  /** Searched from the newest: a line item mostly belongs to the order just before it. */
  #waiting(id: string): WaitingOrder | undefined {
    for (let index = this.#window.length - 1; index >= 0; index--) {
      const waiting = this.#window[index] as WaitingOrder;
      if (waiting.id === id) return waiting;
    }
  }

  #emitOldest(): Promise<void> | undefined {
    const { row, items } = this.#window.shift() as WaitingOrder;
    row.line_items = eachOnce(items);
    return this.#emit(row);
  }
}
