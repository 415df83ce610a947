/** The app's shop-level webhook subscriptions (the app configuration's are not listed). */
export const webhookSubscriptionsQuery = /* GraphQL */ `
  query WebhookSubscriptions($after: String) {
    webhookSubscriptions(first: 250, after: $after) {
      nodes {
        id
        topic
        uri
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export const webhookSubscriptionCreateMutation = /* GraphQL */ `
  mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $uri: String!) {
    webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
      webhookSubscription {
        id
        topic
        uri
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export const webhookSubscriptionDeleteMutation = /* GraphQL */ `
  mutation WebhookSubscriptionDelete($id: ID!) {
    webhookSubscriptionDelete(id: $id) {
      deletedWebhookSubscriptionId
      userErrors {
        field
        message
      }
    }
  }
`;

/** Uninstalls the app from the shop: Shopify revokes its tokens and sends `app/uninstalled`. */
export const appUninstallMutation = /* GraphQL */ `
  mutation AppUninstall {
    appUninstall {
      app {
        id
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;
