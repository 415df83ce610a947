import { createLogger } from "@roestify/runtime";
import { describe, expect, it } from "vitest";
import {
  adminRequest,
  connectShop,
  fastSync,
  jobRow,
  queueJob,
  readMirrors,
  runAttempt,
  startSyncEnvironment,
} from "./sync-testing.ts";

// The client's own retries are exhausted quickly; the job's attempts are what is tested.
const quickFailures = { ...fastSync, client: { maxRetries: 1, retryBaseMs: 1 } };
const size = { products: 3, customers: 3, orders: 3 };
const environment = await startSyncEnvironment([
  { domain: "immer-kaputt.myshopify.com", seed: 1, ...size },
  { domain: "widerrufen.myshopify.com", seed: 2, ...size },
  { domain: "beschaeftigt.myshopify.com", seed: 3, ...size },
  { domain: "ohne-kunden.myshopify.com", seed: 4, ...size },
  { domain: "volle-schlange.myshopify.com", seed: 5, ...size },
  { domain: "feierabend.myshopify.com", seed: 6, ...size, bulkDelayMs: 400 },
]);
const { simulator } = environment;
// The log, where the technical errors go (with the job id).
const logged: Record<string, unknown>[] = [];
const services = {
  ...environment.services,
  log: createLogger({
    name: "test",
    level: "warn",
    destination: { write: (line: string) => logged.push(JSON.parse(line)) },
  }),
};

describe("sync job bookkeeping", () => {
  it("fails after exactly five attempts against a shop that always fails, keeping the error", async () => {
    const shop = "immer-kaputt.myshopify.com";
    const connection = await connectShop(services, simulator, shop);
    simulator.setFaults(shop, { always: "http503" });
    const id = await queueJob(services, connection, "incremental_sync");
    for (let attempt = 1; attempt <= 5; attempt++) {
      // Each attempt rethrows, so graphile-worker schedules the next one with its backoff.
      const attemptRun = runAttempt(services, "incremental_sync", id, attempt, quickFailures);
      await expect(attemptRun).rejects.toThrow("Shopify answered HTTP 503");
      const job = await jobRow(services, id);
      expect(job).toMatchObject({
        attempts: attempt,
        status: attempt < 5 ? "running" : "failed",
        last_error:
          attempt < 5
            ? "Shopify war vorübergehend nicht erreichbar oder überlastet. Der Job wird automatisch erneut versucht; du musst nichts tun."
            : "Shopify war bei allen Versuchen nicht erreichbar oder überlastet. Bitte versuche es später mit „Wiederholen“ erneut.",
      });
      expect(job.finished_at === null).toBe(attempt < 5);
    }
    // What went wrong technically is in the log, with the job id.
    expect(logged.filter((line) => line.syncJobId === id)).toHaveLength(5);
    expect(logged.find((line) => line.syncJobId === id)).toMatchObject({
      err: "ShopifyApiError: Shopify answered HTTP 503",
      final: false,
    });
    // Graphile-worker would not run it again; if it did, the finished job is skipped.
    const requests = simulator.requests({ shop }).length;
    await runAttempt(services, "incremental_sync", id, 6);
    expect(simulator.requests({ shop })).toHaveLength(requests);
    expect((await jobRow(services, id)).attempts).toBe(5);
  });

  it("fails fast without retrying when Shopify refuses the token, and asks for re-authorisation", async () => {
    const shop = "widerrufen.myshopify.com";
    const connection = await connectShop(services, simulator, shop);
    simulator.revokeTokens(shop);
    const id = await queueJob(services, connection, "full_sync");
    await runAttempt(services, "full_sync", id, 1);
    const job = await jobRow(services, id);
    expect(job).toMatchObject({ status: "failed", attempts: 1 });
    expect(job.last_error).toBe(
      "Shopify hat den Zugriff abgelehnt. Bitte verbinde den Shop in den Einstellungen neu; danach kannst du den Job wiederholen.",
    );
    expect(logged.find((line) => line.syncJobId === id)?.err).toBe(
      "ShopifyApiError: Shopify did not accept the access token",
    );
    expect(JSON.stringify(logged)).not.toMatch(/shpat_/);
    const status = await services.db.pool.query(
      "SELECT status FROM shopify_connections WHERE id = $1",
      [connection.connectionId],
    );
    expect(status.rows[0]?.status).toBe("reauth_required");
    // One refused request per bulk part started in parallel; none is retried.
    const refused = simulator.requests({ shop }).filter((entry) => entry.status === 401).length;
    expect(refused).toBe(4);

    // The next job fails fast too, before asking Shopify anything.
    const next = await queueJob(services, connection, "incremental_sync");
    await runAttempt(services, "incremental_sync", next, 1);
    expect(await jobRow(services, next)).toMatchObject({
      status: "failed",
      last_error: expect.stringContaining("Bitte verbinde den Shop in den Einstellungen neu"),
    });
    expect(logged.find((line) => line.syncJobId === next)?.err).toMatch(/^ReauthRequiredError/);
    expect(simulator.requests({ shop })).toHaveLength(refused);
  });

  it("fails fast when a bulk operation is denied for a missing scope", async () => {
    const shop = "ohne-kunden.myshopify.com";
    const scope = "read_products,read_orders,read_inventory,read_locations";
    const connection = await connectShop(services, simulator, shop, scope);
    const id = await queueJob(services, connection, "full_sync");
    await runAttempt(services, "full_sync", id, 1);
    expect(await jobRow(services, id)).toMatchObject({
      status: "failed",
      attempts: 1,
      last_error:
        "Shopify verweigert den Zugriff auf einen Teil der Daten (fehlende Berechtigung). Bitte verbinde den Shop neu und erteile alle angefragten Berechtigungen.",
    });
    // Nothing is deleted or half-finished: the other parts' rows stay until a sync completes.
    expect((await readMirrors(services, connection.connectionId)).products).toHaveLength(3);
    // The stock ledger's SKUs follow the mirrored products at once; their opening balances wait
    // for a completed sync, the one that knows every order they cover.
    const ledger = await services.db.pool.query(
      `SELECT (SELECT count(DISTINCT sku)::int FROM shopify_product_variants
               WHERE connection_id = c.id AND sku <> '') AS variant_skus,
              (SELECT count(*)::int FROM inventory_items
               WHERE organization_id = c.organization_id) AS skus,
              (SELECT count(*)::int FROM inventory_movements
               WHERE organization_id = c.organization_id) AS movements
       FROM shopify_connections c WHERE c.id = $1`,
      [connection.connectionId],
    );
    const { variant_skus, skus, movements } = ledger.rows[0];
    expect(variant_skus).toBeGreaterThan(0);
    expect({ skus, movements }).toEqual({ skus: variant_skus, movements: 0 });
  });

  it("waits for a free bulk slot when the shop's five are taken", async () => {
    const shop = "volle-schlange.myshopify.com";
    const connection = await connectShop(services, simulator, shop);
    const token = simulator.createAccessToken(shop).access_token;
    // Five operations of another app hold the slots until the test cancels them, so the sync is
    // refused for as long as the test decides, however fast or slow the machine is.
    simulator.updateShop(shop, { bulkDelayMs: 60_000 });
    const taken: string[] = [];
    for (let slot = 0; slot < 5; slot++) {
      const data = await adminRequest(
        simulator,
        shop,
        token,
        `mutation { bulkOperationRunQuery(query: "{ products { edges { node { id } } } }", groupObjects: false) {
           bulkOperation { id } } }`,
      );
      taken.push(
        (data.bulkOperationRunQuery as { bulkOperation: { id: string } }).bulkOperation.id,
      );
    }
    // The fillers' mutation is anonymous; the sync's starts are the named ones.
    const syncStarts = () =>
      simulator
        .requests({ shop })
        .filter((entry) => entry.operationName === "BulkOperationRunQuery").length;
    const id = await queueJob(services, connection, "full_sync");
    const attempt = runAttempt(services, "full_sync", id, 1);
    // Every start so far was refused: no slot was free. Four of them are the four parts' first tries.
    while (syncStarts() < 4) await new Promise((resolve) => setTimeout(resolve, 10));
    const refused = syncStarts();
    expect(await jobRow(services, id)).toMatchObject({ status: "running" });
    simulator.updateShop(shop, { bulkDelayMs: 0 });
    for (const operation of taken) {
      await adminRequest(
        simulator,
        shop,
        token,
        "mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id } } }",
        { id: operation },
      );
    }
    await attempt;
    expect(await jobRow(services, id)).toMatchObject({ status: "succeeded", attempts: 1 });
    // Its four parts started once the slots were free, after the refused tries.
    expect(syncStarts()).toBeGreaterThanOrEqual(refused + 4);
    expect((await readMirrors(services, connection.connectionId)).products).toHaveLength(3);
  });

  it("stops at once when the worker shuts down, and the next attempt resumes its operations", async () => {
    const shop = "feierabend.myshopify.com";
    const connection = await connectShop(services, simulator, shop);
    const id = await queueJob(services, connection, "full_sync");
    const shutdown = new AbortController();
    setTimeout(() => shutdown.abort(), 100);
    const started = Date.now();
    const interrupted = runAttempt(services, "full_sync", id, 1, fastSync, shutdown.signal);
    await expect(interrupted).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(400);
    expect(await jobRow(services, id)).toMatchObject({
      status: "running",
      last_error:
        "Der Sync wurde unterbrochen, weil der Worker neu gestartet wurde. Der nächste Versuch setzt ihn fort; du musst nichts tun.",
    });
    await runAttempt(services, "full_sync", id, 2);
    expect(await jobRow(services, id)).toMatchObject({ status: "succeeded", attempts: 2 });
    const starts = simulator
      .requests({ shop })
      .filter((entry) => entry.operationName === "BulkOperationRunQuery").length;
    expect(starts).toBe(4);
  });

  it("postpones a job while another sync of the same shop runs, without using an attempt", async () => {
    const shop = "beschaeftigt.myshopify.com";
    const connection = await connectShop(services, simulator, shop);
    const id = await queueJob(services, connection, "full_sync");
    const holder = await services.db.pool.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(hashtext('shopify_sync'), hashtext($1))", [
        connection.connectionId,
      ]);
      const helpers = await runAttempt(services, "full_sync", id, 1);
      expect(helpers.addJob).toHaveBeenCalledWith(
        "full_sync",
        { syncJobId: id },
        expect.objectContaining({ jobKey: id, maxAttempts: 5, runAt: expect.any(Date) }),
      );
      expect(await jobRow(services, id)).toMatchObject({ status: "queued", attempts: 0 });
      expect(simulator.requests({ shop })).toHaveLength(0);
    } finally {
      await holder.query("SELECT pg_advisory_unlock_all()");
      holder.release();
    }
    // The postponed job, run again, syncs as usual.
    await runAttempt(services, "full_sync", id, 1);
    expect(await jobRow(services, id)).toMatchObject({ status: "succeeded", attempts: 1 });
    expect((await readMirrors(services, connection.connectionId)).products).toHaveLength(3);
  });
});
