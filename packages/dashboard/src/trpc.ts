import type { AppRouter, RouterOutputs } from "@roestify/api";
import {
  createTRPCClient,
  httpBatchStreamLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";

// Only the router's type comes from the server: nothing of its code is in the bundle.
export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

export type Status = RouterOutputs["shopify"]["status"];
export type Connection = NonNullable<Status["connection"]>;
export type JobType = keyof Status["jobs"];
export type Job = NonNullable<Status["jobs"][JobType]>;
export type StockRow = RouterOutputs["inventory"]["list"][number];

/**
 * Queries and mutations as batched HTTP requests whose answers stream in as each is ready (the
 * status does not wait for the stock list), job changes as server-sent events.
 */
export function createClient() {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === "subscription",
        true: httpSubscriptionLink({ url: "/trpc" }),
        false: httpBatchStreamLink({ url: "/trpc" }),
      }),
    ],
  });
}

/** The API's German message for people, whatever failed. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const message = (error.data as { apiError?: { message?: string } } | undefined)?.apiError
      ?.message;
    if (message) return message;
    if (!error.data)
      return "Der Server ist nicht erreichbar. Bitte versuche es gleich noch einmal.";
  }
  return "Das hat nicht geklappt. Bitte versuche es noch einmal.";
}
