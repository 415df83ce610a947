// One DNS label before .myshopify.com; checked before any request is made (no SSRF, no open
// redirect through a crafted shop).
const shopDomain = /^[a-z0-9][a-z0-9-]{0,62}\.myshopify\.com$/;

/** The shop's `*.myshopify.com` domain, trimmed and lower-cased, or undefined if it is not one. */
export function normalizeShopDomain(input: unknown): string | undefined {
  if (typeof input !== "string") return undefined;
  const shop = input.trim();
  // Reject non-ASCII before lower-casing: some characters (e.g. the Kelvin sign) fold to ASCII.
  if (!/^[\x21-\x7e]+$/.test(shop)) return undefined;
  const lower = shop.toLowerCase();
  return shopDomain.test(lower) ? lower : undefined;
}

/** The numeric id of a GID such as `gid://shopify/Product/123` (bigint-safe, as a string). */
export function gidNumber(gid: string): string {
  const match = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)/.exec(gid);
  if (!match?.[1]) throw new Error(`not a Shopify GID: ${gid}`);
  return match[1];
}
