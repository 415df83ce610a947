import type { Queryable, Row } from "@roestify/db";
import { type AdminClient, allNodes, gidNumber, type Page } from "@roestify/shopify";
import {
  refundLineItemsQuery,
  refundsQuery,
  refundsWithReturnQuery,
} from "@roestify/shopify/documents";
import { returnsGranted } from "./returns.ts";

// A refund's first 25 line items cost ~105 points: 8 refunds stay under the 1,000 a query may
// cost. The line items of a larger refund follow, a page at a time.
const batchSize = 8;

interface RefundLineItemNode {
  id: string;
  quantity: number;
  restockType: string;
  restocked: boolean;
  location: { id: string } | null;
  lineItem: { id: string; variant: { id: string } | null };
}

interface RefundNode {
  id: string;
  createdAt: string;
  /** Asked only when the connection may read returns. */
  return?: { id: string } | null;
  refundLineItems: Page<RefundLineItemNode>;
}

/** Every line item of a refund: the first page as read, then the pages after it. */
const allLineItems = (client: AdminClient, refund: RefundNode) =>
  allNodes(
    client,
    refund.refundLineItems,
    refundLineItemsQuery,
    refund.id,
    (data) => (data.node as { refundLineItems?: Page<RefundLineItemNode> } | null)?.refundLineItems,
  );

/**
 * Mirrors the refunds of the orders waiting for the stock ledger that are not mirrored yet, with
 * their line items (what was restocked, where) and, when the connection may read returns, the
 * return each pays for (in `raw`: such a refund is money only, see the ledger's `paysForReturn`).
 */
export async function mirrorRefunds(
  db: Queryable,
  client: AdminClient,
  connectionId: string,
): Promise<void> {
  // `id`: the refund's GID, from the order's JSON.
  const missing = await db.query<{ id: string; order_id: Row<"shopify_orders">["shopify_id"] }>(
    `SELECT DISTINCT refund->>'id' AS id, o.shopify_id AS order_id
     FROM ledger_pending_orders p
     JOIN shopify_orders o ON o.connection_id = p.connection_id AND o.shopify_id = p.order_id
     CROSS JOIN jsonb_array_elements(coalesce(o.raw->'refunds', '[]')) refund
     WHERE p.connection_id = $1
       AND NOT EXISTS (SELECT 1 FROM shopify_refunds r WHERE r.connection_id = $1
         AND r.shopify_id = split_part(refund->>'id', '/', 5)::bigint)`,
    [connectionId],
  );
  const orderOf = new Map(missing.rows.map((row) => [row.id, row.order_id]));
  const ids = [...orderOf.keys()];
  if (ids.length === 0) return;
  const granted = await db.query<{ returns: boolean }>(
    `SELECT ${returnsGranted} AS returns FROM shopify_connections c WHERE c.id = $1`,
    [connectionId],
  );
  const document = granted.rows[0]?.returns ? refundsWithReturnQuery : refundsQuery;
  for (let start = 0; start < ids.length; start += batchSize) {
    const result = await client.request<{ nodes: (RefundNode | null)[] }>(document, {
      ids: ids.slice(start, start + batchSize),
    });
    const refunds = [];
    for (const refund of result.nodes) {
      if (!refund) continue;
      const lineItems = await allLineItems(client, refund);
      refunds.push({
        shopify_id: gidNumber(refund.id),
        order_id: orderOf.get(refund.id),
        shopify_created_at: refund.createdAt,
        raw: { ...refund, refundLineItems: { nodes: lineItems } },
        line_items: lineItems.map((item) => ({
          id: Number(gidNumber(item.id)),
          line_item_id: Number(gidNumber(item.lineItem.id)),
          variant_id: item.lineItem.variant ? Number(gidNumber(item.lineItem.variant.id)) : null,
          quantity: item.quantity,
          restock_type: item.restockType,
          restocked: item.restocked,
          location_id: item.location ? Number(gidNumber(item.location.id)) : null,
        })),
      });
    }
    await db.query(
      `INSERT INTO shopify_refunds (connection_id, shopify_id, order_id, line_items, raw, shopify_created_at)
       SELECT $1, r.shopify_id, r.order_id, r.line_items, r.raw, r.shopify_created_at
       FROM jsonb_to_recordset($2::jsonb)
         AS r(shopify_id bigint, order_id bigint, line_items jsonb, raw jsonb, shopify_created_at timestamptz)
       ON CONFLICT (connection_id, shopify_id) DO NOTHING`,
      [connectionId, JSON.stringify(refunds)],
    );
  }
}
