import { router } from "../trpc.ts";
import { authorize } from "./authorize.ts";
import { status } from "./status.ts";

export const shopifyRouter = router({ authorize, status });
