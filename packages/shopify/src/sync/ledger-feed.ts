// What the orders mirror records for Roestify's stock ledger (@roestify/inventory books it): when
// the mirror first saw each order and its cancellation, and which orders wait to be booked.

/**
 * The sequence that orders what the mirror saw: an order's `ledger_seq` when it was first written,
 * its `cancel_seq` when it was first written cancelled, an opening balance's `covers_order_seq`.
 */
export const ledgerSequence = "shopify_orders_ledger_seq_seq";

/**
 * When the mirror first saw the order (alias `order`) cancelled. An order copied in already
 * cancelled has no `cancel_seq` of its own (COPY cannot draw it; an update of every such row
 * took 2.6 s for 500,000 orders): it was cancelled when first seen, at its `ledger_seq`.
 */
export const cancelSeq = (order: string) =>
  `coalesce(${order}.cancel_seq, CASE WHEN ${order}.cancelled_at IS NOT NULL THEN ${order}.ledger_seq END)`;

/**
 * Whether the ledger can book anything for the connection's orders ($1): it books against the
 * opening balances of earlier runs only, and an opening balance covers every order the mirror
 * saw before it. Orders written while the organisation has none need no booking.
 */
export const organizationHasOpenings = `EXISTS (
  SELECT 1 FROM inventory_movements x
  JOIN shopify_connections c ON c.organization_id = x.organization_id
  WHERE c.id = $1 AND x.kind = 'opening_balance')`;
