import { type AdminClient, ShopifyApiError } from "../admin-client.ts";
import {
  webhookSubscriptionCreateMutation,
  webhookSubscriptionDeleteMutation,
  webhookSubscriptionsQuery,
} from "../documents/index.ts";
import { pages } from "../sync/pages.ts";
import { subscribedTopics, topicEnum } from "./topics.ts";

interface Subscription {
  id: string;
  topic: string;
  uri: string;
}

export interface UserErrors {
  userErrors: { message: string }[];
}

/**
 * Leaves the shop with exactly one subscription per topic of `subscribedTopics`, to `uri`: reads
 * the app's subscriptions first, creates the missing ones and deletes those to another address or
 * repeated (an earlier APP_URL, a reconnect). Safe to run after every OAuth callback.
 */
export async function ensureWebhookSubscriptions(client: AdminClient, uri: string) {
  const existing: Subscription[] = [];
  const read = pages<Subscription>(client, webhookSubscriptionsQuery, {}, (data) => {
    return data.webhookSubscriptions as { nodes: Subscription[]; pageInfo: never };
  });
  for await (const nodes of read) existing.push(...nodes);

  const wanted = new Set(subscribedTopics.map(topicEnum));
  const kept = new Set<string>();
  const surplus: Subscription[] = [];
  for (const subscription of existing) {
    if (!wanted.has(subscription.topic)) continue;
    if (subscription.uri === uri && !kept.has(subscription.topic)) kept.add(subscription.topic);
    else surplus.push(subscription);
  }
  for (const subscription of surplus) {
    const data = await client.request<{ webhookSubscriptionDelete: UserErrors }>(
      webhookSubscriptionDeleteMutation,
      { id: subscription.id },
    );
    refuseUserErrors("webhookSubscriptionDelete", data.webhookSubscriptionDelete);
  }
  const created: string[] = [];
  for (const topic of wanted) {
    if (kept.has(topic)) continue;
    const data = await client.request<{ webhookSubscriptionCreate: UserErrors }>(
      webhookSubscriptionCreateMutation,
      { topic, uri },
    );
    refuseUserErrors("webhookSubscriptionCreate", data.webhookSubscriptionCreate);
    created.push(topic);
  }
  return { created, deleted: surplus.length };
}

export function refuseUserErrors(mutation: string, payload: UserErrors) {
  if (payload.userErrors.length) {
    const messages = payload.userErrors.map((error) => error.message).join("; ");
    throw new ShopifyApiError("permanent", `${mutation}: ${messages}`);
  }
}
