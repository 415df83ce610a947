import type { Queryable } from "@roestify/db";
import type { AdminClient } from "./admin-client.ts";
import { connectionTestQuery, locationsQuery } from "./documents/index.ts";
import { gidNumber } from "./shop-domain.ts";

interface ShopifyLocationNode {
  id: string;
  name: string;
  isActive: boolean;
}

interface ConnectionTest {
  shop: { name: string; myshopifyDomain: string };
  location: { id: string } | null;
}

/** Asks Shopify who the shop is and which location is primary: the connection test. */
export function testConnection(client: AdminClient) {
  return client.request<ConnectionTest>(connectionTestQuery);
}

export async function fetchLocations(client: AdminClient): Promise<ShopifyLocationNode[]> {
  const locations: ShopifyLocationNode[] = [];
  let after: string | null = null;
  do {
    const page: {
      locations: {
        nodes: ShopifyLocationNode[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    } = await client.request(locationsQuery, { after });
    locations.push(...page.locations.nodes);
    after = page.locations.pageInfo.hasNextPage ? page.locations.pageInfo.endCursor : null;
  } while (after);
  return locations;
}

/**
 * Replaces the connection's locations with Shopify's list (`primaryId` marks the primary one),
 * in the caller's transaction.
 */
export async function saveLocations(
  db: Queryable,
  connectionId: string,
  locations: ShopifyLocationNode[],
  primaryId: string | undefined,
): Promise<void> {
  await db.query(
    `WITH incoming AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS l(id bigint, name text, active boolean, raw jsonb)
     ), upserted AS (
       INSERT INTO shopify_locations (connection_id, shopify_id, name, is_primary, is_active, raw, synced_at)
       SELECT $1, id, name, id = $3::bigint, active, raw, now() FROM incoming
       ON CONFLICT (connection_id, shopify_id) DO UPDATE SET
         name = EXCLUDED.name, is_primary = EXCLUDED.is_primary, is_active = EXCLUDED.is_active,
         raw = EXCLUDED.raw, synced_at = EXCLUDED.synced_at
     )
     DELETE FROM shopify_locations
     WHERE connection_id = $1 AND shopify_id NOT IN (SELECT id FROM incoming)`,
    [
      connectionId,
      JSON.stringify(
        locations.map((location) => ({
          id: gidNumber(location.id),
          name: location.name,
          active: location.isActive,
          raw: location,
        })),
      ),
      primaryId ? gidNumber(primaryId) : null,
    ],
  );
}
