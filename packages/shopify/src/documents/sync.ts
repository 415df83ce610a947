// The mirror sync's documents. Bulk and paged queries select the same fragments, so a row's `raw`
// is the same whichever way it was read.

const productFields = /* GraphQL */ `
  fragment MirrorProduct on Product {
    id
    title
    handle
    status
    vendor
    productType
    tags
    variantsCount {
      count
    }
    createdAt
    updatedAt
  }
`;

const variantFields = /* GraphQL */ `
  fragment MirrorVariant on ProductVariant {
    id
    title
    sku
    price
    updatedAt
    product {
      id
    }
    inventoryItem {
      id
    }
  }
`;

const orderFields = /* GraphQL */ `
  fragment MirrorOrder on Order {
    id
    name
    email
    displayFinancialStatus
    displayFulfillmentStatus
    currencyCode
    totalPriceSet {
      shopMoney {
        amount
      }
    }
    subtotalPriceSet {
      shopMoney {
        amount
      }
    }
    totalTaxSet {
      shopMoney {
        amount
      }
    }
    customer {
      id
    }
    processedAt
    cancelledAt
    closedAt
    createdAt
    updatedAt
    returnStatus
    refunds {
      id
      createdAt
    }
    fulfillments {
      id
      status
      createdAt
      updatedAt
      trackingInfo {
        company
        number
        url
      }
    }
  }
`;

const lineItemFields = /* GraphQL */ `
  fragment MirrorLineItem on LineItem {
    id
    name
    sku
    quantity
    currentQuantity
    variant {
      id
    }
  }
`;

const customerFields = /* GraphQL */ `
  fragment MirrorCustomer on Customer {
    id
    firstName
    lastName
    state
    numberOfOrders
    defaultEmailAddress {
      emailAddress
    }
    createdAt
    updatedAt
  }
`;

const inventoryLevelFields = /* GraphQL */ `
  fragment MirrorInventoryLevel on InventoryLevel {
    id
    updatedAt
    item {
      id
    }
    location {
      id
    }
    quantities(names: ["available", "on_hand"]) {
      name
      quantity
    }
  }
`;

const pageInfo = "pageInfo { hasNextPage endCursor }";

// Bulk queries: no `first`, nested connections become separate JSONL lines with `__parentId`.

export const productsBulkQuery = /* GraphQL */ `
  query ProductsBulk {
    products {
      edges {
        node {
          ...MirrorProduct
          variants {
            edges {
              node {
                ...MirrorVariant
              }
            }
          }
        }
      }
    }
  }
  ${productFields}
  ${variantFields}
`;

export const ordersBulkQuery = /* GraphQL */ `
  query OrdersBulk {
    orders {
      edges {
        node {
          ...MirrorOrder
          lineItems {
            edges {
              node {
                ...MirrorLineItem
              }
            }
          }
        }
      }
    }
  }
  ${orderFields}
  ${lineItemFields}
`;

export const customersBulkQuery = /* GraphQL */ `
  query CustomersBulk {
    customers {
      edges {
        node {
          ...MirrorCustomer
        }
      }
    }
  }
  ${customerFields}
`;

export const inventoryLevelsBulkQuery = /* GraphQL */ `
  query InventoryLevelsBulk {
    locations(includeInactive: true) {
      edges {
        node {
          id
          inventoryLevels {
            edges {
              node {
                ...MirrorInventoryLevel
              }
            }
          }
        }
      }
    }
  }
  ${inventoryLevelFields}
`;

export const bulkOperationRunQueryMutation = /* GraphQL */ `
  mutation BulkOperationRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: false) {
      bulkOperation {
        id
        status
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;

export const bulkOperationQuery = /* GraphQL */ `
  query BulkOperation($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      createdAt
      objectCount
      url
    }
  }
`;

// Paged queries for incremental syncs, each at most ~1000 points: `$query` is the
// `updated_at:>=…` filter.

export const productsChangedQuery = /* GraphQL */ `
  query ProductsChanged($query: String, $after: String) {
    products(first: 250, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        ...MirrorProduct
      }
      ${pageInfo}
    }
  }
  ${productFields}
`;

export const variantsChangedQuery = /* GraphQL */ `
  query VariantsChanged($query: String, $after: String) {
    productVariants(first: 250, after: $after, query: $query) {
      nodes {
        ...MirrorVariant
      }
      ${pageInfo}
    }
  }
  ${variantFields}
`;

export const ordersChangedQuery = /* GraphQL */ `
  query OrdersChanged($query: String, $after: String) {
    orders(first: 10, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        ...MirrorOrder
        lineItems(first: 25) {
          nodes {
            ...MirrorLineItem
          }
          ${pageInfo}
        }
      }
      ${pageInfo}
    }
  }
  ${orderFields}
  ${lineItemFields}
`;

/** The rest of an order's line items when it has more than one page of them. */
export const orderLineItemsQuery = /* GraphQL */ `
  query OrderLineItems($id: ID!, $after: String) {
    order(id: $id) {
        lineItems(first: 100, after: $after) {
          nodes {
            ...MirrorLineItem
          }
          ${pageInfo}
        }
      }
    }
    ${lineItemFields}
  `;

export const customersChangedQuery = /* GraphQL */ `
    query CustomersChanged($query: String, $after: String) {
      customers(first: 250, after: $after, query: $query, sortKey: UPDATED_AT) {
        nodes {
          ...MirrorCustomer
        }
        ${pageInfo}
      }
    }
    ${customerFields}
  `;

/** An item's `updatedAt` moves when one of its quantities does, so changed levels are found by item. */
export const inventoryItemsChangedQuery = /* GraphQL */ `
    query InventoryItemsChanged($query: String, $after: String) {
      inventoryItems(first: 15, after: $after, query: $query) {
        nodes {
          id
          updatedAt
          inventoryLevels(first: 10) {
            nodes {
              ...MirrorInventoryLevel
            }
          }
        }
        ${pageInfo}
      }
    }
    ${inventoryLevelFields}
  `;

export const productDeletionsQuery = /* GraphQL */ `
    query ProductDeletions($query: String, $after: String) {
      deletionEvents(first: 250, after: $after, query: $query, subjectTypes: [PRODUCT]) {
        nodes {
          subjectId
          occurredAt
        }
        ${pageInfo}
    }
  }
`;

// How many objects changed: above a threshold an incremental sync reads them by bulk operation.

export const productsChangedCountQuery = /* GraphQL */ `
  query ProductsChangedCount($query: String) {
    productsCount(query: $query) {
      count
    }
  }
`;

export const ordersChangedCountQuery = /* GraphQL */ `
  query OrdersChangedCount($query: String) {
    ordersCount(query: $query) {
      count
    }
  }
`;

export const customersChangedCountQuery = /* GraphQL */ `
  query CustomersChangedCount($query: String) {
    customersCount(query: $query) {
      count
    }
  }
`;

/** The variants a product still has: what the mirror holds beyond them was deleted. */
export const variantIdsQuery = /* GraphQL */ `
  query VariantIds($query: String, $after: String) {
    productVariants(first: 250, after: $after, query: $query) {
      nodes {
        id
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

const refundLineItemFields = /* GraphQL */ `
  fragment MirrorRefundLineItem on RefundLineItem {
    id
    quantity
    restockType
    restocked
    location {
      id
    }
    lineItem {
      id
      variant {
        id
      }
    }
  }
`;

/**
 * Refunds by id with what they restocked (read once per refund: the refund line items are not
 * part of the order documents, as a bulk query cannot nest a connection in the order's list of
 * refunds), and, when the connection may read returns (`read_returns`), the return each pays for.
 * A refund of more line items than the first page reads the rest with `refundLineItemsQuery`.
 */
const refundsDocument = (name: string, returnField: string) => /* GraphQL */ `
  query ${name}($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Refund {
        id
        createdAt
        ${returnField}
        refundLineItems(first: 25) {
          nodes {
            ...MirrorRefundLineItem
          }
          ${pageInfo}
        }
      }
    }
  }
  ${refundLineItemFields}
`;

export const refundsQuery = refundsDocument("Refunds", "");

export const refundsWithReturnQuery = refundsDocument("RefundsWithReturn", "return { id }");

/** The refund line items of one refund after `after` (~4 points each: 100 cost ~400). */
export const refundLineItemsQuery = /* GraphQL */ `
  query RefundLineItems($id: ID!, $after: String) {
    node(id: $id) {
      ... on Refund {
        refundLineItems(first: 100, after: $after) {
          nodes {
            ...MirrorRefundLineItem
          }
          ${pageInfo}
        }
      }
    }
  }
  ${refundLineItemFields}
`;

const returnLineItemFields = /* GraphQL */ `
  fragment MirrorReturnLineItem on ReverseFulfillmentOrderLineItem {
    fulfillmentLineItem {
      lineItem {
        id
        variant {
          id
        }
      }
    }
    dispositions {
      id
      type
      quantity
      createdAt
      location {
        id
      }
    }
  }
`;

const reverseFulfillmentOrderFields = /* GraphQL */ `
  fragment MirrorReverseFulfillmentOrder on ReverseFulfillmentOrder {
    id
    lineItems(first: 10) {
      nodes {
        ...MirrorReturnLineItem
      }
      ${pageInfo}
    }
  }
`;

/**
 * The returns of an order (with `read_returns` only), a page at a time: what each reverse
 * fulfillment order line item's dispositions did with the returned units (`RESTOCKED` at a
 * location, or not). Which refunds paid for a return, each refund says itself
 * (`refundsWithReturnQuery`). Read again whenever the order changed, as a return gains
 * dispositions until it closes. It may cost up to ~650 points (what it really costs is far less
 * and refunded), so one order a request. A return of more reverse fulfillment orders reads the
 * rest with `returnReverseFulfillmentOrdersQuery`, one of more line items the rest with
 * `reverseFulfillmentOrderLineItemsQuery`.
 */
export const orderReturnsQuery = /* GraphQL */ `
  query OrderReturns($id: ID!, $after: String) {
    order(id: $id) {
      returns(first: 5, after: $after) {
        nodes {
          id
          status
          reverseFulfillmentOrders(first: 2) {
            nodes {
              ...MirrorReverseFulfillmentOrder
            }
            ${pageInfo}
          }
        }
        ${pageInfo}
      }
    }
  }
  ${reverseFulfillmentOrderFields}
  ${returnLineItemFields}
`;

/** The reverse fulfillment orders of one return after `after` (~63 points each). */
export const returnReverseFulfillmentOrdersQuery = /* GraphQL */ `
  query ReturnReverseFulfillmentOrders($id: ID!, $after: String) {
    node(id: $id) {
      ... on Return {
        reverseFulfillmentOrders(first: 10, after: $after) {
          nodes {
            ...MirrorReverseFulfillmentOrder
          }
          ${pageInfo}
        }
      }
    }
  }
  ${reverseFulfillmentOrderFields}
  ${returnLineItemFields}
`;

/** The line items of one reverse fulfillment order after `after`. */
export const reverseFulfillmentOrderLineItemsQuery = /* GraphQL */ `
  query ReverseFulfillmentOrderLineItems($id: ID!, $after: String) {
    node(id: $id) {
      ... on ReverseFulfillmentOrder {
        lineItems(first: 50, after: $after) {
          nodes {
            ...MirrorReturnLineItem
          }
          ${pageInfo}
        }
      }
    }
  }
  ${returnLineItemFields}
`;
