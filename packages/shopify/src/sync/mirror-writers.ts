import { type MirrorTable, mirrorTables, type Queryable } from "@roestify/db";
import { redactionOnWrite } from "../lifecycle/redacted-customers.ts";
import type { ColumnType } from "./copy-text.ts";
import { cancelSeq, ledgerSequence, organizationHasOpenings } from "./ledger-feed.ts";
import type { Row } from "./mirror-rows.ts";

interface TableSpec {
  /** The conflict key after `connection_id`. */
  key: string[];
  /** Column → PostgreSQL type, as the rows carry them. */
  columns: Record<string, ColumnType>;
  /** Which rows are written at all (an SQL condition on the row `r`). */
  kept?: string;
  /**
   * Column → the value written instead of the row's own (an SQL expression on `r`), for rows
   * that carry the column `reads` (every row a sync writes does).
   */
  asWritten?: { reads: string; columns: Record<string, string> };
  /** Columns computed in SQL: from the row's columns when inserted, and when replaced. */
  derived?: { column: string; insert: string; replace: string }[];
  /** A statement on the ids of the rows the upsert wrote (CTE `written`), run with it. */
  afterWrite?: string;
  /**
   * What `afterWrite` does, as statements for rows copied into a mirror that held none of the
   * connection's (`$1`) before, in the copy's transaction: all of them are new. A copy leaves
   * `derived` columns NULL; their readers derive them (`cancelSeq`). Also what `kept` and
   * `asWritten` would have done.
   */
  afterCopy?: string[];
}

const timestamps = {
  shopify_created_at: "timestamptz",
  shopify_updated_at: "timestamptz",
} as const;

export const mirrorSpecs: Record<MirrorTable, TableSpec> = {
  shopify_products: {
    key: ["shopify_id"],
    columns: {
      shopify_id: "bigint",
      title: "text",
      handle: "text",
      status: "text",
      vendor: "text",
      product_type: "text",
      tags: "text[]",
      raw: "jsonb",
      ...timestamps,
    },
  },
  shopify_product_variants: {
    key: ["shopify_id"],
    columns: {
      shopify_id: "bigint",
      product_id: "bigint",
      title: "text",
      sku: "text",
      price: "numeric",
      inventory_item_id: "bigint",
      raw: "jsonb",
      shopify_updated_at: "timestamptz",
    },
  },
  shopify_orders: {
    key: ["shopify_id"],
    columns: {
      shopify_id: "bigint",
      name: "text",
      email: "text",
      financial_status: "text",
      fulfillment_status: "text",
      total_price: "numeric",
      subtotal_price: "numeric",
      total_tax: "numeric",
      currency: "text",
      customer_id: "bigint",
      processed_at: "timestamptz",
      cancelled_at: "timestamptz",
      closed_at: "timestamptz",
      line_items: "jsonb",
      raw: "jsonb",
      ...timestamps,
    },
    asWritten: redactionOnWrite.orderColumns,
    // For the stock ledger: when the mirror first saw an order cancelled (`ledger_seq`, when it
    // first saw the order, is the column's default; a copy leaves it to `cancelSeq`), and every
    // order written is queued (by a copy only if the ledger could book it: a first sync's
    // 100,000 orders took 0.9 s to queue).
    derived: [
      {
        column: "cancel_seq",
        insert: `CASE WHEN r.cancelled_at IS NOT NULL THEN nextval('${ledgerSequence}') END`,
        replace: `coalesce(${cancelSeq("m")}, EXCLUDED.cancel_seq)`,
      },
    ],
    afterWrite: `INSERT INTO ledger_pending_orders (connection_id, order_id)
      SELECT $1, shopify_id FROM written ON CONFLICT DO NOTHING`,
    afterCopy: [
      `INSERT INTO ledger_pending_orders (connection_id, order_id)
       SELECT $1, shopify_id FROM shopify_orders
       WHERE connection_id = $1 AND ${organizationHasOpenings}
       ON CONFLICT DO NOTHING`,
      redactionOnWrite.afterOrderCopy,
    ],
  },
  shopify_fulfillments: {
    key: ["shopify_id"],
    columns: {
      shopify_id: "bigint",
      order_id: "bigint",
      status: "text",
      tracking_company: "text",
      tracking_numbers: "text[]",
      tracking_urls: "text[]",
      raw: "jsonb",
      ...timestamps,
    },
  },
  shopify_customers: {
    key: ["shopify_id"],
    columns: {
      shopify_id: "bigint",
      email: "text",
      first_name: "text",
      last_name: "text",
      state: "text",
      number_of_orders: "bigint",
      raw: "jsonb",
      ...timestamps,
    },
    kept: redactionOnWrite.customerKept,
    afterCopy: [redactionOnWrite.afterCustomerCopy],
  },
  shopify_inventory_levels: {
    key: ["inventory_item_id", "location_id"],
    columns: {
      inventory_item_id: "bigint",
      location_id: "bigint",
      shopify_id: "bigint",
      available: "integer",
      on_hand: "integer",
      raw: "jsonb",
      shopify_updated_at: "timestamptz",
    },
  },
};

/** Where an upsert reads its rows, as `r`: a page's rows in a JSON parameter, or a staging table. */
export interface RowSource {
  /** Cache key of the statement. */
  name: string;
  /** The FROM clause; `$2` is free for the rows. */
  from: string;
  /** Rows may repeat a key: the newest of them is written. */
  mayRepeat: boolean;
}

const upsertSqlCache = new Map<string, string>();

/**
 * One set-based statement for many rows: a row is only replaced by one at least as new
 * (`updatedAt`), so an old read never overwrites a newer one; columns the rows do not carry keep
 * their stored value.
 */
export function upsertSql(table: MirrorTable, columns: string[], source: RowSource): string {
  const cacheKey = `${table}:${source.name}:${columns.join(",")}`;
  const cached = upsertSqlCache.get(cacheKey);
  if (cached) return cached;
  const { key, kept, asWritten, derived = [], afterWrite } = mirrorSpecs[table];
  const targets = [...columns, ...derived.map((d) => d.column)].join(", ");
  const replaced = asWritten && columns.includes(asWritten.reads) ? asWritten.columns : {};
  const values = [
    ...columns.map((c) => replaced[c] ?? `r.${c}`),
    ...derived.map((d) => d.insert),
  ].join(", ");
  const assignments = [
    ...columns.map((c) => `${c} = EXCLUDED.${c}`),
    ...derived.map((d) => `${d.column} = ${d.replace}`),
  ].join(", ");
  const keyOf = (alias: string) => key.map((k) => `${alias}.${k}`).join(", ");
  const upsert = `
    INSERT INTO ${table} AS m (connection_id, ${targets}, synced_at)
    SELECT ${source.mayRepeat ? `DISTINCT ON (${keyOf("r")})` : ""} $1::uuid, ${values}, now()
    FROM ${source.from}
    ${kept ? `WHERE ${kept}` : ""}
    ${source.mayRepeat ? `ORDER BY ${keyOf("r")}, r.shopify_updated_at DESC NULLS LAST` : ""}
    ON CONFLICT (connection_id, ${key.join(", ")}) DO UPDATE SET
      ${assignments}, synced_at = EXCLUDED.synced_at
    WHERE (EXCLUDED.shopify_updated_at >= m.shopify_updated_at) IS NOT FALSE`;
  const sql = afterWrite
    ? `WITH written AS (${upsert} RETURNING shopify_id) ${afterWrite}`
    : upsert;
  upsertSqlCache.set(cacheKey, sql);
  return sql;
}

/** Upserts rows of one mirror table for the connection (a page's; duplicates collapse). */
export async function upsertMirrorRows(
  db: Queryable,
  connectionId: string,
  table: MirrorTable,
  rows: Row[],
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const types = mirrorSpecs[table].columns;
  const columns = Object.keys(types).filter((column) => column in first);
  const source: RowSource = {
    name: "json",
    from: `jsonb_to_recordset($2::jsonb) AS r(${columns.map((c) => `${c} ${types[c]}`).join(", ")})`,
    mayRepeat: true,
  };
  await db.query(upsertSql(table, columns, source), [connectionId, JSON.stringify(rows)]);
}

/** Whether the mirror holds rows of the connection `$1` (one index probe). */
export const holdsRowsOfConnection = (table: MirrorTable) =>
  `EXISTS (SELECT 1 FROM ${table} WHERE connection_id = $1)`;

/** The mirror tables that hold rows of the connection. */
export async function filledMirrorTables(
  db: Queryable,
  connectionId: string,
): Promise<MirrorTable[]> {
  const result = await db.query<{ filled: boolean[] }>(
    `SELECT ARRAY[${mirrorTables.map(holdsRowsOfConnection).join(", ")}] AS filled`,
    [connectionId],
  );
  return mirrorTables.filter((_, i) => result.rows[0]?.filled[i]);
}

/**
 * What a full sync did not see is gone from Shopify: every row of the connection last synced
 * before the run started is deleted (in the caller's transaction, with the run's completion).
 * Only `tables` are searched: one without rows of the connection when the run began holds none.
 */
export async function deleteUnseenRows(
  db: Queryable,
  connectionId: string,
  run: { runStartedAt: string; tables: readonly MirrorTable[] },
): Promise<Partial<Record<MirrorTable, number>>> {
  const deleted: Partial<Record<MirrorTable, number>> = {};
  for (const table of run.tables) {
    const result = await db.query(
      `DELETE FROM ${table} WHERE connection_id = $1 AND synced_at < $2::timestamptz`,
      [connectionId, run.runStartedAt],
    );
    deleted[table] = result.rowCount ?? 0;
  }
  return deleted;
}

/**
 * CTEs that remove the connection's variants matching `filter` with their inventory levels; line
 * items that sold such a variant keep their place in the order with `variant_id` null, as Shopify
 * shows them (the order itself does not change, so no sync would read it again).
 */
const removeVariants = (filter: string) => `
  variants AS (
    DELETE FROM shopify_product_variants WHERE connection_id = $1 AND ${filter}
    RETURNING shopify_id, inventory_item_id
  ), levels AS (
    DELETE FROM shopify_inventory_levels
    WHERE connection_id = $1 AND inventory_item_id IN (SELECT inventory_item_id FROM variants)
  ), sold AS (
    SELECT o.shopify_id, jsonb_agg(
        CASE WHEN (l.item->>'variant_id')::bigint IN (SELECT shopify_id FROM variants)
             THEN l.item || '{"variant_id": null}' ELSE l.item END ORDER BY l.position) AS items
    FROM shopify_orders o, jsonb_array_elements(o.line_items) WITH ORDINALITY AS l(item, position)
    WHERE o.connection_id = $1 AND EXISTS (SELECT 1 FROM variants)
    GROUP BY o.shopify_id
    HAVING bool_or((l.item->>'variant_id')::bigint IN (SELECT shopify_id FROM variants))
  ), orders AS (
    UPDATE shopify_orders o SET line_items = sold.items
    FROM sold WHERE o.connection_id = $1 AND o.shopify_id = sold.shopify_id
  )`;

/** Removes deleted products with their variants (see `removeVariants`). */
export async function deleteProducts(
  db: Queryable,
  connectionId: string,
  productIds: string[],
): Promise<void> {
  if (productIds.length === 0) return;
  await db.query(
    `WITH ${removeVariants("product_id = ANY($2::bigint[])")}
     DELETE FROM shopify_products WHERE connection_id = $1 AND shopify_id = ANY($2::bigint[])`,
    [connectionId, productIds],
  );
}

/** Removes the variants of these products that Shopify no longer lists (not in `existing`). */
export async function deleteVariantsExcept(
  db: Queryable,
  connectionId: string,
  productIds: string[],
  existing: string[],
): Promise<void> {
  await db.query(
    `WITH ${removeVariants("product_id = ANY($2::bigint[]) AND shopify_id <> ALL($3::bigint[])")}
     SELECT count(*) FROM variants`,
    [connectionId, productIds, existing],
  );
}
