import { router } from "../trpc.ts";
import { list } from "./list.ts";
import { recordPackaging } from "./record-packaging.ts";
import { setMapping } from "./set-mapping.ts";

export const inventoryRouter = router({ list, recordPackaging, setMapping });
