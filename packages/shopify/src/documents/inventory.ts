/** Roestify owns the stock: absolute quantities, compare-and-swap, applied once per key. */
export const inventorySetQuantitiesMutation = /* GraphQL */ `
  mutation InventorySetQuantities($input: InventorySetQuantitiesInput!, $key: String!) {
    inventorySetQuantities(input: $input) @idempotent(key: $key) {
      inventoryAdjustmentGroup {
        id
        changes {
          name
          delta
          quantityAfterChange
          item {
            id
          }
          location {
            id
          }
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;

/** Shopify's current available quantity of some items at one location (after a stale compare). */
export const inventoryLevelsAtLocationQuery = /* GraphQL */ `
  query InventoryLevelsAtLocation($ids: [ID!]!, $locationId: ID!) {
    nodes(ids: $ids) {
      ... on InventoryItem {
        id
        inventoryLevel(locationId: $locationId) {
          quantities(names: ["available"]) {
            name
            quantity
          }
        }
      }
    }
  }
`;
