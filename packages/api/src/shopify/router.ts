import { router } from "../trpc.ts";
import { status } from "./status.ts";

export const shopifyRouter = router({ status });
