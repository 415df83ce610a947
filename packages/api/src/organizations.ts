import type { Database } from "@roestify/db";

// Organisations are never deleted, so one known to exist stays known; bounded so that a stream
// of new organisations cannot grow the process without limit.
const knownLimit = 10_000;
const known = new WeakMap<Database, Set<string>>();

/**
 * Creates an organisation seen for the first time (plan `free`). Each process writes only for
 * ids it has not seen yet, so a signed-in request costs no write once its organisation is known.
 */
export async function ensureOrganization(db: Database, organizationId: string): Promise<void> {
  let ids = known.get(db);
  if (!ids) {
    ids = new Set();
    known.set(db, ids);
  }
  if (ids.has(organizationId)) return;
  await db.pool.query("INSERT INTO organizations (id) VALUES ($1) ON CONFLICT DO NOTHING", [
    organizationId,
  ]);
  if (ids.size >= knownLimit) ids.clear();
  ids.add(organizationId);
}
