import { flat } from "./strings.ts";

/** Global IDs as Shopify writes them: `gid://shopify/Product/8123456789012`. */
export function gid(type: string, num: number): string {
  return flat(`gid://shopify/${type}/${num}`);
}

/** InventoryLevel GIDs carry the location number and the item as a query parameter. */
export function inventoryLevelGid(locationNum: number, itemNum: number): string {
  return flat(`gid://shopify/InventoryLevel/${locationNum}?inventory_item_id=${itemNum}`);
}

export interface ParsedGid {
  type: string;
  num: number;
  params: URLSearchParams;
}

export function parseGid(id: string): ParsedGid | undefined {
  const match = /^gid:\/\/shopify\/(\w+)\/(\d+)(?:\?(.*))?$/.exec(id);
  if (!match) return undefined;
  return {
    type: match[1] as string,
    num: Number(match[2]),
    params: new URLSearchParams(match[3] ?? ""),
  };
}

/** The number of a GID of the expected type, or undefined for anything else. */
export function gidNum(id: string, type: string): number | undefined {
  const parsed = parseGid(id);
  return parsed?.type === type ? parsed.num : undefined;
}
