/** Proves the token works and names the shop's primary location (`location` without an id). */
export const connectionTestQuery = /* GraphQL */ `
  query ConnectionTest {
    shop {
      name
      myshopifyDomain
      currencyCode
      ianaTimezone
      plan {
        publicDisplayName
        shopifyPlus
      }
    }
    location {
      id
    }
  }
`;

export const locationsQuery = /* GraphQL */ `
  query Locations($after: String) {
    locations(first: 250, after: $after, includeInactive: true) {
      nodes {
        id
        name
        isActive
        fulfillsOnlineOrders
        address {
          city
          countryCode
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
