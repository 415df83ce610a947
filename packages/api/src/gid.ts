import { z } from "zod";

// The mirrors keep Shopify's numbers as PostgreSQL `bigint`: a larger one is bad input, not a 500.
const maxBigint = 2n ** 63n - 1n;

/** A GID such as `gid://shopify/Location/123` of one type, its number within a `bigint`. */
export const shopifyGid = (type: string) => {
  const pattern = new RegExp(`^gid://shopify/${type}/(\\d{1,19})$`);
  return z.string().refine((gid) => {
    const digits = pattern.exec(gid)?.[1];
    return digits !== undefined && BigInt(digits) <= maxBigint;
  }, `keine ${type}-GID`);
};
