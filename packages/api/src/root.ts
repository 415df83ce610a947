import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { inventoryRouter } from "./inventory/router.ts";
import { shopifyRouter } from "./shopify/router.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({ inventory: inventoryRouter, shopify: shopifyRouter });
export type AppRouter = typeof appRouter;
/** What each procedure takes and answers, for typed clients (the dashboard). */
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export const createCaller = createCallerFactory(appRouter);
