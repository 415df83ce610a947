import type { Queryable, Row } from "@roestify/db";
import {
  type AdminClient,
  allNodes,
  emptyPage,
  gidNumber,
  type Page,
  pages,
} from "@roestify/shopify";
import {
  orderReturnsQuery,
  returnReverseFulfillmentOrdersQuery,
  reverseFulfillmentOrderLineItemsQuery,
} from "@roestify/shopify/documents";

/**
 * Whether the connection (alias `c`) may read returns: `read_returns` (or `write_returns`), not
 * among the default scopes. Without it a return is seen only through its refund.
 */
export const returnsGranted = "c.scopes ~ '(^|,)\\s*(read|write)_returns\\s*(,|$)'";

interface DispositionNode {
  id: string;
  type: string;
  quantity: number;
  createdAt: string;
  location: { id: string } | null;
}

interface ReturnLineItemNode {
  fulfillmentLineItem: { lineItem: { id: string; variant: { id: string } | null } } | null;
  dispositions: DispositionNode[];
}

interface ReverseFulfillmentOrderNode {
  id: string;
  lineItems: Page<ReturnLineItemNode>;
}

interface ReturnNode {
  id: string;
  status: string;
  reverseFulfillmentOrders: Page<ReverseFulfillmentOrderNode>;
}

/** A return with all its reverse fulfillment orders and their line items: read, then the rest. */
async function readAll(client: AdminClient, returned: ReturnNode) {
  const rfos = await allNodes(
    client,
    returned.reverseFulfillmentOrders,
    returnReverseFulfillmentOrdersQuery,
    returned.id,
    (data) =>
      (data.node as { reverseFulfillmentOrders?: Page<ReverseFulfillmentOrderNode> } | null)
        ?.reverseFulfillmentOrders,
  );
  const filled = [];
  for (const rfo of rfos) {
    const lineItems = await allNodes(
      client,
      rfo.lineItems,
      reverseFulfillmentOrderLineItemsQuery,
      rfo.id,
      (data) => (data.node as { lineItems?: Page<ReturnLineItemNode> } | null)?.lineItems,
    );
    filled.push({ ...rfo, lineItems: { ...rfo.lineItems, nodes: lineItems } });
  }
  return {
    ...returned,
    reverseFulfillmentOrders: { ...returned.reverseFulfillmentOrders, nodes: filled },
  };
}

const optionalNumber = (id: string | undefined) => (id ? Number(gidNumber(id)) : null);

/** A return's dispositions, each with the order line item and variant it disposed of. */
function dispositionsOf(returned: ReturnNode) {
  return returned.reverseFulfillmentOrders.nodes.flatMap((rfo) =>
    rfo.lineItems.nodes.flatMap((item) =>
      item.dispositions.map((disposition) => ({
        id: Number(gidNumber(disposition.id)),
        type: disposition.type,
        quantity: disposition.quantity,
        created_at: disposition.createdAt,
        location_id: optionalNumber(disposition.location?.id),
        line_item_id: optionalNumber(item.fulfillmentLineItem?.lineItem.id),
        variant_id: optionalNumber(item.fulfillmentLineItem?.lineItem.variant?.id),
      })),
    ),
  );
}

/**
 * Mirrors the returns of the orders waiting for the stock ledger that have one, when the
 * connection may read them (`returnsGranted`). A return is read again each time its order
 * changes: processing it adds dispositions, which then come with the order's change as every
 * sync path reads it.
 */
export async function mirrorReturns(
  db: Queryable,
  client: AdminClient,
  connectionId: string,
): Promise<void> {
  const orders = await db.query<{ order_id: Row<"shopify_orders">["shopify_id"] }>(
    `SELECT o.shopify_id AS order_id
     FROM ledger_pending_orders p
     JOIN shopify_connections c ON c.id = p.connection_id
     JOIN shopify_orders o ON o.connection_id = p.connection_id AND o.shopify_id = p.order_id
     WHERE p.connection_id = $1 AND ${returnsGranted}
       AND coalesce(o.raw->>'returnStatus', 'NO_RETURN') <> 'NO_RETURN'`,
    [connectionId],
  );
  for (const { order_id } of orders.rows) {
    const read: ReturnNode[] = [];
    const returnPages = pages<ReturnNode>(
      client,
      orderReturnsQuery,
      { id: `gid://shopify/Order/${order_id}` },
      (data) => (data.order as { returns: Page<ReturnNode> } | null)?.returns ?? emptyPage,
    );
    for await (const nodes of returnPages) {
      for (const returned of nodes) read.push(await readAll(client, returned));
    }
    const returns = read.map((returned) => ({
      shopify_id: gidNumber(returned.id),
      order_id,
      status: returned.status,
      dispositions: dispositionsOf(returned),
      raw: returned,
    }));
    await db.query(
      `INSERT INTO shopify_returns (connection_id, shopify_id, order_id, status, dispositions, raw)
       SELECT $1, r.shopify_id, r.order_id, r.status, r.dispositions, r.raw
       FROM jsonb_to_recordset($2::jsonb) AS r(shopify_id bigint, order_id bigint, status text,
         dispositions jsonb, raw jsonb)
       ON CONFLICT (connection_id, shopify_id) DO UPDATE
       SET status = excluded.status, dispositions = excluded.dispositions, raw = excluded.raw,
           synced_at = now()`,
      [connectionId, JSON.stringify(returns)],
    );
  }
}
