import { router } from "../trpc.ts";
import { list } from "./list.ts";
import { recordAdjustment } from "./record-adjustment.ts";
import { recordPackaging } from "./record-packaging.ts";
import { setMapping } from "./set-mapping.ts";

export const inventoryRouter = router({ list, recordAdjustment, recordPackaging, setMapping });
