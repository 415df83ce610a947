/**
 * customers/redact stays in effect: Shopify may still return a redacted customer's data for a
 * while, and every sync writes what it returns. So the connection keeps the ids of its redacted
 * customers (`shopify_redacted_customers`, nothing else), and every write into the mirrors leaves
 * out their customer rows and scrubs their orders. SQL for statements whose `$1` is the
 * connection.
 */

/** Whether the customer (an SQL expression of its numeric id) was redacted. */
const isRedacted = (customerId: string) =>
  `${customerId} IN (SELECT customer_id FROM shopify_redacted_customers WHERE connection_id = $1)`;

/** Keys of an order's `raw` that hold personal data (the customer keeps only its id). */
const personalOrderKeys =
  "'{email,phone,note,contactEmail,shippingAddress,billingAddress,displayAddress}'::text[]";

/** An order's `raw` (an SQL expression) without personal data. */
const scrubbedOrderRaw = (raw: string) => `
  CASE WHEN jsonb_typeof(${raw}->'customer') = 'object'
       THEN jsonb_set(${raw} - ${personalOrderKeys}, '{customer}',
                      jsonb_build_object('id', ${raw}->'customer'->'id'))
       ELSE ${raw} - ${personalOrderKeys} END`;

/** The assignments that remove an order's personal data from its columns and `raw`. */
export const scrubOrderAssignments = `email = NULL, raw = ${scrubbedOrderRaw("raw")}`;

/** How a write into the mirrors keeps redacted customers out (rows of the source as `r`). */
export const redactionOnWrite = {
  /** Which customer rows are written at all. */
  customerKept: `NOT ${isRedacted("r.shopify_id")}`,
  /** An order's columns as written: personal data of a redacted customer scrubbed. */
  orderColumns: {
    reads: "customer_id",
    columns: {
      email: `CASE WHEN ${isRedacted("r.customer_id")} THEN NULL ELSE r.email END`,
      raw: `CASE WHEN ${isRedacted("r.customer_id")} THEN ${scrubbedOrderRaw("r.raw")} ELSE r.raw END`,
    },
  },
  /** After rows were copied straight into the mirrors: what the two above would have done. */
  afterCustomerCopy: `DELETE FROM shopify_customers
    WHERE connection_id = $1 AND ${isRedacted("shopify_id")}`,
  afterOrderCopy: `UPDATE shopify_orders SET ${scrubOrderAssignments}
    WHERE connection_id = $1 AND ${isRedacted("customer_id")}`,
};
