/**
 * Test helpers for sync jobs: a connection to a simulated shop, a job row, the task driven as
 * graphile-worker would drive it, and the shop's data read independently of the sync code.
 */

import { type Columns, encryptSql, type JobType } from "@roestify/db";
import { createTestDatabase } from "@roestify/db/testing";
import type { Services } from "@roestify/runtime";
import { testSecrets, testServices } from "@roestify/runtime/testing";
import { gidNumber } from "@roestify/shopify";
import { type Simulator, start } from "@roestify/shopify-simulator";
import type { JobHelpers } from "graphile-worker";
import { afterAll, vi } from "vitest";
import { type SyncTaskOptions, syncTask } from "./sync-task.ts";

export { testSecrets };

/** Polls `condition` until it holds; fails after `timeoutMs` (generous: the machine may be busy). */
export async function until(condition: () => Promise<boolean>, timeoutMs = 30_000) {
  for (const deadline = Date.now() + timeoutMs; !(await condition()); ) {
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Fast settings: tests poll bulk operations and retry failed requests within milliseconds. */
export const fastSync: SyncTaskOptions = {
  settings: { bulkPollMs: 10, stagingChunkBytes: 4096 },
  client: { retryBaseMs: 5 },
  busyDelayMs: 1000,
};

export async function startSyncEnvironment(shops: Parameters<typeof start>[0]["shops"]) {
  const simulator = await start({
    apiKey: testSecrets.SHOPIFY_API_KEY,
    apiSecret: testSecrets.SHOPIFY_API_SECRET,
    // A Plus-sized bucket: the tests are about correctness, not about waiting for points.
    restoreRate: 1000,
    maximumAvailable: 20_000,
    shops,
  });
  afterAll(() => simulator.close());
  const db = await createTestDatabase();
  const services = testServices(db, { SHOPIFY_API_ORIGIN: simulator.url });
  return { simulator, db, services };
}

/**
 * A connected shop as the OAuth callback leaves it: a token the simulator issued (all of the app's
 * scopes by default), the primary location as inventory location.
 */
export async function connectShop(
  services: Services,
  simulator: Simulator,
  shop: string,
  scope?: string,
) {
  const organizationId = `org-${shop}`;
  await services.db.pool.query("INSERT INTO organizations (id) VALUES ($1)", [organizationId]);
  const token = simulator.createAccessToken(shop, { scope }).access_token;
  const primary = simulator.getShop(shop).locations.find((location) => location.isPrimary);
  const result = await services.db.pool.query<Columns<"shopify_connections", "id">>(
    `INSERT INTO shopify_connections
       (organization_id, shop, scopes, api_version, access_token_encrypted, inventory_location_id)
     VALUES ($1, $2, 'read_products', '2026-10', ${encryptSql("$3", "$4")}, $5) RETURNING id`,
    [organizationId, shop, token, testSecrets.TOKEN_ENCRYPTION_KEY, gidNumber(primary?.id ?? "")],
  );
  return { organizationId, connectionId: result.rows[0]?.id as string };
}

export async function queueJob(
  services: Services,
  connection: { organizationId: string; connectionId: string },
  type: JobType,
) {
  const job = await services.db.sql
    .insertInto("shopify_sync_jobs")
    .values({
      organization_id: connection.organizationId,
      connection_id: connection.connectionId,
      type,
      requested_by: "test",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return job.id;
}

/** Runs one attempt of the task as graphile-worker would (attempt numbers start at 1). */
export async function runAttempt(
  services: Services,
  type: JobType,
  syncJobId: string,
  attempt = 1,
  options: SyncTaskOptions = fastSync,
  abortSignal = new AbortController().signal,
) {
  const helpers = {
    job: { attempts: attempt, max_attempts: 5 },
    addJob: vi.fn(async () => ({})),
    abortSignal,
  } as unknown as JobHelpers;
  await syncTask(services, type, options)({ syncJobId }, helpers);
  return helpers;
}

/** Queues a job of the type for the connection and runs its first attempt; returns its id. */
export async function runJob(
  services: Services,
  connection: { organizationId: string; connectionId: string },
  type: JobType,
): Promise<string> {
  const id = await queueJob(services, connection, type);
  await runAttempt(services, type, id);
  return id;
}

/** A SKU's stock in Roestify and its movements as "kind delta", in booking order. */
export async function skuStock(services: Services, organizationId: string, sku: string) {
  const result = await services.db.pool.query<
    Columns<"inventory_items", "available"> & { kinds: string[] }
  >(
    `SELECT i.available, array_agg(m.kind || ' ' || m.delta ORDER BY m.created_at, m.source_ref) AS kinds
     FROM inventory_items i JOIN inventory_movements m ON m.inventory_item_id = i.id
     WHERE i.organization_id = $1 AND i.sku = $2 GROUP BY i.id`,
    [organizationId, sku],
  );
  return result.rows[0];
}

export async function jobRow(services: Services, id: string) {
  const result = await services.db.pool.query(
    `SELECT status, attempts, last_error, progress, rows_written, state, started_at, finished_at
     FROM shopify_sync_jobs WHERE id = $1`,
    [id],
  );
  return result.rows[0];
}

interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** One Admin GraphQL request to the simulated shop, waiting out THROTTLED answers. */
export async function adminRequest(
  simulator: Simulator,
  shop: string,
  token: string,
  query: string,
  variables: object = {},
): Promise<Record<string, unknown>> {
  for (;;) {
    const response = await fetch(`${simulator.url}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-forwarded-host": shop,
        "x-shopify-access-token": token,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data: Record<string, unknown>; errors?: unknown };
    // A bucket drained by an injected THROTTLED fault refills within a second.
    if (JSON.stringify(body.errors ?? "").includes("THROTTLED")) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }
}

/** Reads a shop over plain Admin GraphQL, page by page, without any of the sync's code. */
export async function readShop(simulator: Simulator, shop: string) {
  const token = simulator.createAccessToken(shop).access_token;
  async function all<T>(
    query: string,
    root: (data: Record<string, Page<T>>) => Page<T>,
    variables: object = {},
  ): Promise<T[]> {
    const items: T[] = [];
    let after: string | null = null;
    for (;;) {
      const data = await adminRequest(simulator, shop, token, query, { ...variables, after });
      const page = root(data as Record<string, Page<T>>);
      items.push(...page.nodes);
      if (!page.pageInfo.hasNextPage) return items;
      after = page.pageInfo.endCursor;
    }
  }
  const num = (gid: string) => gid.replace(/^gid:\/\/shopify\/\w+\/(\d+).*$/, "$1");
  const pageInfo = "pageInfo { hasNextPage endCursor }";
  const products = await all<{
    id: string;
    title: string;
    handle: string;
    variants: {
      nodes: { id: string; sku: string; title: string; inventoryItem: { id: string } }[];
    };
  }>(
    `query($after: String) { products(first: 4, after: $after) { nodes { id title handle
       variants(first: 100) { nodes { id sku title inventoryItem { id } } } } ${pageInfo} } }`,
    (data) => data.products as Page<never>,
  );
  const orders = await all<{
    id: string;
    name: string;
    cancelledAt: string | null;
    lineItems: {
      nodes: {
        id: string;
        sku: string | null;
        quantity: number;
        currentQuantity: number;
        variant: { id: string } | null;
      }[];
    };
    fulfillments: { id: string; trackingInfo: { number: string }[] }[];
  }>(
    `query($after: String) { orders(first: 5, after: $after) { nodes { id name cancelledAt
       lineItems(first: 50) { nodes { id sku quantity currentQuantity variant { id } } }
       fulfillments { id trackingInfo { number } } } ${pageInfo} } }`,
    (data) => data.orders as Page<never>,
  );
  const customers = await all<{
    id: string;
    firstName: string | null;
    defaultEmailAddress: { emailAddress: string } | null;
  }>(
    `query($after: String) { customers(first: 250, after: $after) { nodes { id firstName
       defaultEmailAddress { emailAddress } } ${pageInfo} } }`,
    (data) => data.customers as Page<never>,
  );
  const locations = await all<{ id: string }>(
    `query($after: String) { locations(first: 50, after: $after, includeInactive: true) { nodes { id } ${pageInfo} } }`,
    (data) => data.locations as Page<never>,
  );
  const levels: string[] = [];
  for (const location of locations) {
    const nodes = await all<{
      item: { id: string };
      quantities: { name: string; quantity: number }[];
    }>(
      `query($id: ID!, $after: String) { location(id: $id) { inventoryLevels(first: 200, after: $after) {
         nodes { item { id } quantities(names: ["available", "on_hand"]) { name quantity } } ${pageInfo} } } }`,
      (data) => (data.location as unknown as { inventoryLevels: Page<never> }).inventoryLevels,
      { id: location.id },
    );
    for (const level of nodes) {
      const [available, onHand] = ["available", "on_hand"].map(
        (name) => level.quantities.find((q) => q.name === name)?.quantity,
      );
      levels.push(`${num(level.item.id)}@${num(location.id)}: ${available}/${onHand}`);
    }
  }
  return {
    products: products.map((p) => `${num(p.id)} ${p.title} ${p.handle}`).sort(),
    variants: products
      .flatMap((p) =>
        p.variants.nodes.map(
          (v) => `${num(v.id)} ${num(p.id)} ${v.sku || null} ${v.title} ${num(v.inventoryItem.id)}`,
        ),
      )
      .sort(),
    orders: orders
      .map(
        (o) =>
          `${num(o.id)} ${o.name} ${o.cancelledAt !== null} ${JSON.stringify(
            o.lineItems.nodes.map((l) => [
              Number(num(l.id)),
              l.variant ? Number(num(l.variant.id)) : null,
              l.sku,
              l.quantity,
              l.currentQuantity,
            ]),
          )}`,
      )
      .sort(),
    fulfillments: orders
      .flatMap((o) =>
        o.fulfillments.map(
          (f) => `${num(f.id)} ${num(o.id)} ${f.trackingInfo.map((t) => t.number).join(",")}`,
        ),
      )
      .sort(),
    customers: customers
      .map((c) => `${num(c.id)} ${c.firstName} ${c.defaultEmailAddress?.emailAddress ?? null}`)
      .sort(),
    inventoryLevels: levels.sort(),
  };
}

/** The mirrors of a connection in the same shape as `readShop`. */
export async function readMirrors(services: Services, connectionId: string) {
  const rows = async (sql: string) =>
    (await services.db.pool.query<{ line: string }>(sql, [connectionId])).rows
      .map((r) => r.line)
      .sort();
  return {
    products: await rows(
      "SELECT concat_ws(' ', shopify_id, title, handle) AS line FROM shopify_products WHERE connection_id = $1",
    ),
    variants: await rows(
      `SELECT concat_ws(' ', shopify_id, product_id, coalesce(sku, 'null'), title, inventory_item_id) AS line
       FROM shopify_product_variants WHERE connection_id = $1`,
    ),
    orders: (
      await services.db.pool.query<
        Columns<
          "shopify_orders",
          "shopify_id" | "name" | "line_items",
          { line_items: Record<string, unknown>[] }
        > & { cancelled: boolean }
      >(
        `SELECT shopify_id, name, cancelled_at IS NOT NULL AS cancelled, line_items
         FROM shopify_orders WHERE connection_id = $1`,
        [connectionId],
      )
    ).rows
      .map(
        (o) =>
          `${o.shopify_id} ${o.name} ${o.cancelled} ${JSON.stringify(
            o.line_items.map((l) => [l.id, l.variant_id, l.sku, l.quantity, l.current_quantity]),
          )}`,
      )
      .sort(),
    fulfillments: await rows(
      `SELECT concat_ws(' ', shopify_id, order_id, array_to_string(tracking_numbers, ',')) AS line
       FROM shopify_fulfillments WHERE connection_id = $1`,
    ),
    customers: await rows(
      `SELECT concat_ws(' ', shopify_id, coalesce(first_name, 'null'), coalesce(email, 'null')) AS line
       FROM shopify_customers WHERE connection_id = $1`,
    ),
    inventoryLevels: await rows(
      `SELECT inventory_item_id || '@' || location_id || ': ' || available || '/' || on_hand AS line
       FROM shopify_inventory_levels WHERE connection_id = $1`,
    ),
  };
}
