import { shopifyRouter } from "./shopify/router.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({ shopify: shopifyRouter });
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
