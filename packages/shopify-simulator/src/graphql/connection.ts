import { GraphQLError } from "graphql";

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

type SortValue = string | number;

/** How a list is ordered: its sort value; ties are broken by `num`. */
export type SortKey<T> = (item: T) => SortValue;

/**
 * A page of a connection. `edges`, `pageInfo` and cursors are built only when asked for (nested
 * connections are read far more often than paged); cursors look like Shopify's: base64 of
 * `{"last_id":…,"last_value":…}`.
 */
export class Connection<T extends { num: number }> {
  readonly nodes: T[];
  readonly #key: SortKey<T>;
  readonly #hasPreviousPage: boolean;
  readonly #hasNextPage: boolean;

  constructor(nodes: T[], key: SortKey<T>, hasPreviousPage: boolean, hasNextPage: boolean) {
    this.nodes = nodes;
    this.#key = key;
    this.#hasPreviousPage = hasPreviousPage;
    this.#hasNextPage = hasNextPage;
  }

  get pageInfo(): PageInfo {
    const first = this.nodes[0];
    const last = this.nodes[this.nodes.length - 1];
    return {
      hasNextPage: this.#hasNextPage,
      hasPreviousPage: this.#hasPreviousPage,
      startCursor: first ? this.cursor(first) : null,
      endCursor: last ? this.cursor(last) : null,
    };
  }

  get edges(): Edge<T>[] {
    return this.nodes.map((node) => new Edge(this, node));
  }

  cursor(node: T): string {
    const json = JSON.stringify({ last_id: node.num, last_value: this.#key(node) });
    return Buffer.from(json).toString("base64");
  }
}

/** An edge of a connection; its cursor is encoded only when selected (bulk files never are). */
class Edge<T extends { num: number }> {
  readonly #connection: Connection<T>;
  readonly node: T;

  constructor(connection: Connection<T>, node: T) {
    this.#connection = connection;
    this.node = node;
  }

  get cursor(): string {
    return this.#connection.cursor(this.node);
  }
}

interface DecodedCursor {
  value: SortValue;
  num: number;
}

function decodeCursor(cursor: string): DecodedCursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as {
      last_id?: unknown;
      last_value?: unknown;
    };
    const value = parsed.last_value;
    if (
      typeof parsed.last_id === "number" &&
      (typeof value === "string" || typeof value === "number")
    ) {
      return { value, num: parsed.last_id };
    }
  } catch {
    // Falls through to the error below.
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, {
    extensions: { code: "BAD_REQUEST" },
  });
}

/** First index in `sorted` whose (value, num) is greater than (or, unless `strict`, equal to) the cursor's. */
function bound<T extends { num: number }>(
  sorted: readonly T[],
  key: SortKey<T>,
  cursor: DecodedCursor,
  strict: boolean,
): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const item = sorted[mid] as T;
    const value = key(item);
    const order =
      value < cursor.value ? -1 : value > cursor.value ? 1 : Math.sign(item.num - cursor.num);
    if (order < 0 || (strict && order === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One page of `sorted` (ascending by `key`, then `num`) as Shopify pages: `reverse` flips the
 * order, `after`/`before` are exclusive cursors, `first` or `last` the page size, `matches` the
 * search filter. Only the part of the list that the page needs is scanned.
 */
export function paginate<T extends { num: number }>(
  sorted: readonly T[],
  key: SortKey<T>,
  args: ConnectionArgs,
  matches?: (item: T) => boolean,
): Connection<T> {
  const n = sorted.length;
  // The common case of nested connections: the first page of an unfiltered list.
  if (!matches && !args.after && !args.before && !args.reverse && args.last == null) {
    const limit = args.first ?? n;
    return new Connection(sorted.slice(0, limit), key, false, n > limit);
  }
  const test = matches ?? (() => true);
  const reverse = args.reverse === true;
  const at = (i: number) => sorted[reverse ? n - 1 - i : i] as T;
  let start = 0;
  let end = n;
  if (args.after) {
    const cursor = decodeCursor(args.after);
    start = reverse ? n - bound(sorted, key, cursor, false) : bound(sorted, key, cursor, true);
  }
  if (args.before) {
    const cursor = decodeCursor(args.before);
    end = reverse ? n - bound(sorted, key, cursor, true) : bound(sorted, key, cursor, false);
  }
  const anyMatch = (from: number, to: number, step: number) => {
    for (let i = from; step > 0 ? i < to : i > to; i += step) if (test(at(i))) return true;
    return false;
  };
  const nodes: T[] = [];
  if (args.last != null && args.first == null) {
    let i = end - 1;
    for (; i >= start && nodes.length < args.last; i--) if (test(at(i))) nodes.push(at(i));
    nodes.reverse();
    return new Connection(nodes, key, anyMatch(i, start - 1, -1), anyMatch(end, n, 1));
  }
  const limit = args.first ?? Number.POSITIVE_INFINITY;
  let i = start;
  for (; i < end && nodes.length < limit; i++) if (test(at(i))) nodes.push(at(i));
  return new Connection(nodes, key, anyMatch(start - 1, -1, -1), anyMatch(i, n, 1));
}
