import { inventoryRouter } from "./inventory/router.ts";
import { shopifyRouter } from "./shopify/router.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({ inventory: inventoryRouter, shopify: shopifyRouter });
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
