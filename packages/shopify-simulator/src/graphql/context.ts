import type { SearchWarning } from "../search.ts";
import type { Simulation } from "../simulation.ts";
import type { ShopState } from "../store.ts";

/** A bulk query runs the same document once per chunk of root nodes. */
export interface BulkChunk {
  /** Every root node the query selects, fixed when the operation starts. */
  roots: { num: number }[] | null;
  offset: number;
  size: number;
}

export interface RequestContext {
  sim: Simulation;
  shop: ShopState;
  /** Granted scopes, implied ones (`read_x` for `write_x`) included. */
  scopes: ReadonlySet<string>;
  actualCost: number;
  search: { path: readonly (string | number)[]; query: string; warnings: SearchWarning[] }[];
  bulk: BulkChunk | null;
}
