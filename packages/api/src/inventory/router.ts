import { router } from "../trpc.ts";
import { list } from "./list.ts";
import { recordPackaging } from "./record-packaging.ts";

export const inventoryRouter = router({ list, recordPackaging });
