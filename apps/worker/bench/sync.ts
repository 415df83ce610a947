/**
 * Benchmark of the sync engine (`pnpm bench:sync`): a full sync of a big simulated shop, compared
 * with PostgreSQL's COPY of the same rows; the sync worker's peak memory; an incremental sync of
 * BENCH_CHANGES (1000) updated products under Shopify's Standard throttle (100 points/s, 2000).
 *
 * Three processes, so each is measured alone: this one (throwaway embedded PostgreSQL, the
 * control of the simulator over IPC, the COPY baseline), the simulator (`BENCH_ROLE=simulator`,
 * its memory not counted) and one fresh worker per sync job (`BENCH_ROLE=worker`, which runs the
 * job's graphile-worker task and reports its wall time and peak RSS). Everything talks over
 * 127.0.0.1 and the run stops by itself (at the latest after BENCH_TIMEOUT_S, 1800). BENCH_SCALE
 * (1) multiplies the shop, 10,000 products × 3 variants, 100,000 orders, 50,000 customers, or
 * BENCH_PRODUCTS, BENCH_ORDERS, BENCH_CUSTOMERS set one size; BENCH_SKIP_COPY=1 leaves out the
 * COPY baseline.
 */
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync } from "node:fs";
import { cpus, freemem, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Columns,
  childEnv,
  createDatabase,
  encryptSql,
  mirrorTables,
  prepareDatabase,
  startEmbeddedPostgres,
} from "@roestify/db";
import { syncTask } from "@roestify/jobs";
import { createLogger, readApiEnv, type Services } from "@roestify/runtime";
import { defaultSyncSettings, readShopifyEnv } from "@roestify/shopify";
import type { RequestLogEntry } from "@roestify/shopify-simulator";
import { simulatorNodeFlags } from "@roestify/shopify-simulator/node-flags";
import type { JobHelpers } from "graphile-worker";
import pg from "pg";
import { workerNodeFlags } from "../src/node-flags.ts";
import { type CopyRows, copyIn, copyOut } from "./copy.ts";
import { benchEnv } from "./env.ts";

const SHOP = "bench-roesterei.myshopify.com";
const scale = benchEnv.BENCH_SCALE;
const size = {
  products: benchEnv.BENCH_PRODUCTS ?? 10_000 * scale,
  orders: benchEnv.BENCH_ORDERS ?? 100_000 * scale,
  customers: benchEnv.BENCH_CUSTOMERS ?? 50_000 * scale,
};
const changes = benchEnv.BENCH_CHANGES;
// The tests' secrets (a throwaway cluster, nothing leaves this machine). Only the bench's own
// process runs under the `test` condition that exports them; its children run with production
// conditions and get them from it.
const secrets = benchEnv.BENCH_SECRETS ?? (await import("@roestify/runtime/testing")).testSecrets;
const standardThrottle = { restoreRate: 100, maximumAvailable: 2000 };

interface WorkerResult {
  ms: number;
  /** The stock ledger's statements in the job's completion (its last step). */
  ledgerMs: number;
  /** Those run while parts of a full sync still load: off the job's critical path. */
  ledgerOverlappedMs: number;
  maxRssMB: number;
  /** CPU time of the worker process (user + system). */
  cpuMs: number;
  /** Time spent per SQL statement (its first words), summed over concurrent sessions. */
  sqlMs: Record<string, number>;
  /** When each part of the job first reached each status (`progress`), from the job's start. */
  partsMs: Record<string, Record<string, number>>;
}

const round = (n: number) => Math.round(n);

const role = benchEnv.BENCH_ROLE;
if (role === "simulator") await serveSimulator();
else if (role === "worker") await runWorker();
else await main();

/** The simulator process: one shop, its control methods called by the parent over IPC. */
async function serveSimulator(): Promise<void> {
  // Imported here only: the simulator builds Shopify's schema on import, which must not count
  // towards the worker's memory.
  const { start } = await import("@roestify/shopify-simulator");
  const simulator = await start({
    apiKey: secrets.SHOPIFY_API_KEY,
    apiSecret: secrets.SHOPIFY_API_SECRET,
    logLimit: 1_000_000,
  });
  const started = performance.now();
  simulator.createShop({
    domain: SHOP,
    seed: 1,
    ...size,
    ...standardThrottle,
  });
  const generateMs = Math.round(performance.now() - started);
  const calls = simulator as unknown as Record<string, (...args: unknown[]) => unknown>;
  process.on("message", ({ id, method, args }: { id: number; method: string; args: unknown[] }) => {
    try {
      process.send?.({ id, result: calls[method]?.apply(simulator, args) });
    } catch (error) {
      process.send?.({ id, error: String(error) });
    }
  });
  process.send?.({ url: simulator.url, generateMs });
  process.once("disconnect", () => void simulator.close());
}

/** A worker process: runs one sync job's task as graphile-worker would, then reports. */
async function runWorker(): Promise<void> {
  const env = { ...secrets, SHOPIFY_API_ORIGIN: benchEnv.BENCH_SIMULATOR_URL };
  const db = createDatabase(benchEnv.BENCH_DATABASE_URL as string);
  // A profile of where the database time goes: every statement timed, by its first words.
  const sqlMs: Record<string, number> = {};
  const partsMs: Record<string, Record<string, number>> = {};
  // The parts whose bulk operation runs or whose file is being written at the moment.
  const partsLoading = new Set<string>();
  // The stock ledger's statements (apps/worker's job completion, not the mirror sync itself), and
  // those a full sync runs while parts still load (its SKUs, once the products are written).
  const ledgerMs = { completion: 0, overlapped: 0 };
  const isLedger = (name: string) =>
    /^(WITH mapped AS|WITH pending AS|DELETE FROM ledger_pending|INSERT INTO inventory_items)/.test(
      name,
    );
  let started = performance.now();
  db.pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    client.query = ((...args: unknown[]) => {
      const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string }).text;
      const name = String(text).trim().replace(/\s+/g, " ").slice(0, 60);
      const sent = performance.now();
      const overlapped = partsLoading.size > 0;
      const done = () => {
        const ms = performance.now() - sent;
        sqlMs[name] = (sqlMs[name] ?? 0) + ms;
        if (isLedger(name)) ledgerMs[overlapped ? "overlapped" : "completion"] += ms;
      };
      // The job's progress: when its bulk files were ready ("importing") and written.
      const values = args[1];
      if (name.startsWith("UPDATE shopify_sync_jobs SET progress") && Array.isArray(values)) {
        for (const [part, status] of Object.entries(values[1] as Record<string, string>)) {
          partsMs[part] ??= {};
          (partsMs[part] as Record<string, number>)[status] ??= Math.round(sent - started);
          if (status === "bulk_running" || status === "importing") partsLoading.add(part);
          else partsLoading.delete(part);
        }
      }
      // pool.query passes a callback; everything else awaits the promise.
      const callback = args.at(-1);
      if (typeof callback === "function") {
        args[args.length - 1] = (...result: unknown[]) => {
          done();
          callback(...result);
        };
        return query(...args);
      }
      const result = query(...args) as Promise<unknown> | NodeJS.WritableStream;
      // A COPY stream is timed until it has finished.
      if (result instanceof Promise) return result.finally(done);
      result.once("finish", done);
      return result;
    }) as typeof client.query;
  });
  const services: Services = {
    db,
    env: readApiEnv(env),
    shopify: readShopifyEnv(env),
    log: createLogger({ name: "bench-worker", level: "warn" }),
  };
  const helpers = {
    job: { attempts: 1, max_attempts: 1 },
    addJob: async () => ({}),
    abortSignal: new AbortController().signal,
  } as unknown as JobHelpers;
  const type = benchEnv.BENCH_JOB_TYPE as "full_sync" | "incremental_sync";
  started = performance.now();
  // The production settings, or another COPY chunk size (BENCH_CHUNK_BYTES) to compare.
  const stagingChunkBytes = benchEnv.BENCH_CHUNK_BYTES ?? defaultSyncSettings.stagingChunkBytes;
  const task = syncTask(services, type, { settings: { stagingChunkBytes } });
  await task({ syncJobId: benchEnv.BENCH_JOB_ID as string }, helpers);
  const ms = performance.now() - started;
  await db.close();
  // Peak resident set since exec. Not `process.resourceUsage().maxRSS`: Linux keeps ru_maxrss
  // across execve, so a forked child reports at least the parent's size at the fork.
  const maxRssMB =
    Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1]) / 1024;
  const top = Object.entries(sqlMs)
    .sort(([, a], [, b]) => b - a)
    .slice(0, 8);
  const cpu = process.cpuUsage();
  process.send?.(
    {
      ms,
      ledgerMs: ledgerMs.completion,
      ledgerOverlappedMs: ledgerMs.overlapped,
      maxRssMB,
      cpuMs: (cpu.user + cpu.system) / 1000,
      sqlMs: Object.fromEntries(top.map(([k, v]) => [k, Math.round(v)])),
      partsMs,
    },
    () => process.exit(0),
  );
}

async function main(): Promise<void> {
  const machine = {
    cpus: cpus().length,
    freeMemGB: Math.round(freemem() / 2 ** 30),
    node: process.version,
    loadavg: loadavg().map((n) => Math.round(n * 100) / 100),
  };
  const dataDir = mkdtempSync(join(tmpdir(), "roestify-bench-pg-"));
  const cluster = await startEmbeddedPostgres({ dataDir, persistent: false });
  const children: ChildProcess[] = [];
  const db = new pg.Client({ connectionString: cluster.url });
  db.on("error", () => {});
  const stop = async () => {
    // PostgreSQL's shutdown waits for its clients: the bench's own goes first.
    await db.end().catch(() => {});
    for (const process of children) if (process.exitCode === null) process.kill("SIGKILL");
    await cluster.stop();
  };
  // Bounded: whatever hangs, the run ends after BENCH_TIMEOUT_S (1800 s) with everything stopped.
  const timeout = setTimeout(() => {
    console.error("bench: timed out");
    void stop().finally(() => process.exit(1));
  }, benchEnv.BENCH_TIMEOUT_S * 1000);
  try {
    await prepareDatabase(cluster.url);
    await db.connect();
    const simulatorProcess = child({ BENCH_ROLE: "simulator" }, [
      ...simulatorNodeFlags,
      "--max-old-space-size=8192",
    ]);
    children.push(simulatorProcess);
    const [ready] = (await once(simulatorProcess, "message")) as [
      { url: string; generateMs: number },
    ];
    stage(`simulator ready, shop generated in ${ready.generateMs} ms`);
    const sim = rpc(simulatorProcess);
    // Ten minutes pass before the full sync, so the incremental sync's overlap window (5 min
    // before the full sync's cursor) holds none of the generated changes, only the bench's.
    await sim("advanceClock", 10 * 60_000);

    const { organizationId, connectionId } = await connect(db, sim);
    const runJob = async (type: "full_sync" | "incremental_sync") => {
      const job = await db.query<Columns<"shopify_sync_jobs", "id">>(
        `INSERT INTO shopify_sync_jobs (organization_id, connection_id, type, requested_by)
         VALUES ($1, $2, $3, 'bench') RETURNING id`,
        [organizationId, connectionId, type],
      );
      const jobId = job.rows[0]?.id as string;
      // The production flags; BENCH_WORKER_ARGS, e.g. `--cpu-prof`, adds to or overrides them.
      const workerArgs = [
        ...workerNodeFlags,
        ...benchEnv.BENCH_WORKER_ARGS.split(" ").filter(Boolean),
      ];
      const worker = child(
        {
          BENCH_ROLE: "worker",
          BENCH_JOB_TYPE: type,
          BENCH_JOB_ID: jobId,
          BENCH_DATABASE_URL: cluster.url,
          BENCH_SIMULATOR_URL: ready.url,
        },
        workerArgs,
      );
      children.push(worker);
      const [result] = (await once(worker, "message")) as [WorkerResult];
      const row = await db.query<Columns<"shopify_sync_jobs", "status" | "last_error">>(
        "SELECT status, last_error FROM shopify_sync_jobs WHERE id = $1",
        [jobId],
      );
      if (row.rows[0]?.status !== "succeeded") throw new Error(JSON.stringify(row.rows[0]));
      return result;
    };

    // (1) and (2): the full sync, its rows per second and peak RSS.
    stage("full sync");
    await prepareWal(db);
    // Each measured part starts with no dirty pages of earlier work left to write out.
    await db.query("CHECKPOINT");
    const fullWalInit = await walInitSince(db);
    const postmaster = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    const cpuBefore = { simulator: cpuMs(simulatorProcess.pid), postgres: cpuMs(postmaster) };
    const full = await runJob("full_sync");
    const cpu = {
      worker: full.cpuMs,
      simulator: cpuMs(simulatorProcess.pid) - cpuBefore.simulator,
      postgres: cpuMs(postmaster) - cpuBefore.postgres,
    };
    const fullWalInitMB = await fullWalInit();
    const rows = await countRows(db, connectionId);
    const totalRows = Object.values(rows).reduce((sum, n) => sum + n, 0);
    stage("COPY baseline");
    const copy = benchEnv.BENCH_SKIP_COPY ? null : await copyBaseline(db);

    // (3): changes, then an incremental sync under the Standard throttle (BENCH_CHANGES=0: none).
    const incremental = changes > 0 ? await incrementalBench(db, sim, runJob) : null;

    const result = {
      machine,
      shop: { ...size, generateMs: ready.generateMs, rows },
      fullSync: {
        rows: totalRows,
        ms: round(full.ms),
        rowsPerSecond: round((totalRows / full.ms) * 1000),
        ledgerMs: round(full.ledgerMs),
        ledgerOverlappedMs: round(full.ledgerOverlappedMs),
        rowsPerSecondWithoutLedger: round((totalRows / (full.ms - full.ledgerMs)) * 1000),
        workerMaxRssMB: round(full.maxRssMB),
        walInitMB: round(fullWalInitMB),
        cpuMs: Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, round(ms)])),
        // The share of the machine's cores the three processes kept busy during the job.
        cpuShare:
          Math.round(
            ((cpu.worker + cpu.simulator + cpu.postgres) / (full.ms * cpus().length)) * 100,
          ) / 100,
        sqlMs: full.sqlMs,
        partsMs: full.partsMs,
      },
      copy: copy && {
        ms: round(copy.ms),
        rowsPerSecond: round((totalRows / copy.ms) * 1000),
        syncToCopy: Math.round((copy.ms / full.ms) * 100) / 100,
        syncWithoutLedgerToCopy: Math.round((copy.ms / (full.ms - full.ledgerMs)) * 100) / 100,
        msPerTable: copy.msPerTable,
        walInitMB: round(copy.walInitMB),
      },
      incrementalSync: incremental,
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    clearTimeout(timeout);
    await stop();
  }
}

/**
 * CPU time (user + system) of a process, its live children and the children it has reaped:
 * PostgreSQL's sessions are children of the postmaster, counted live or, once ended, reaped.
 * Linux counts in ticks of 10 ms (USER_HZ).
 */
function cpuMs(pid: number | undefined): number {
  const ticks = (id: string) => {
    const stat = readFileSync(`/proc/${id}/stat`, "utf8");
    // utime, stime, cutime, cstime: fields 14–17 of proc_pid_stat(5), 11–14 once pid and comm are cut.
    const fields = stat
      .slice(stat.lastIndexOf(")") + 2)
      .split(" ")
      .slice(11, 15);
    return fields.reduce((sum, n) => sum + Number(n), 0);
  };
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" ");
  const live = children.filter(Boolean).reduce((sum, child) => {
    try {
      return sum + ticks(child);
    } catch {
      return sum; // ended (and reaped) since the list was read
    }
  }, 0);
  return (ticks(String(pid)) + live) * 10;
}

function stage(what: string) {
  console.error(`bench: ${new Date().toISOString()} ${what}`);
}

/** This file in another role, with the given Node flags only (not the bench's `test` condition). */
function child(env: Record<string, string>, execArgv: string[]): ChildProcess {
  return fork(fileURLToPath(import.meta.url), {
    env: childEnv({ ...env, BENCH_SECRETS: JSON.stringify(secrets) }),
    execArgv,
  });
}

/** Calls a method of the simulator's control API in its process. */
function rpc(simulator: ChildProcess) {
  let next = 0;
  const pending = new Map<number, (answer: unknown) => void>();
  simulator.on("message", (message: { id?: number; result: unknown; error?: string }) => {
    if (message.id === undefined) return;
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  return (method: string, ...args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      const id = next++;
      pending.set(id, (answer) => {
        const { result, error } = answer as { result: unknown; error?: string };
        if (error) reject(new Error(`simulator ${method}: ${error}`));
        else resolve(result);
      });
      simulator.send({ id, method, args });
    });
}

/** A connection as the OAuth callback leaves it: a token of the shop, its primary location. */
async function connect(db: pg.Client, sim: ReturnType<typeof rpc>) {
  const organizationId = "org-bench";
  await db.query("INSERT INTO organizations (id) VALUES ($1)", [organizationId]);
  const { access_token: token } = (await sim("createAccessToken", SHOP)) as {
    access_token: string;
  };
  const shop = (await sim("getShop", SHOP)) as { locations: { id: string; isPrimary: boolean }[] };
  const primary = shop.locations.find((location) => location.isPrimary)?.id as string;
  const result = await db.query<Columns<"shopify_connections", "id">>(
    `INSERT INTO shopify_connections
       (organization_id, shop, scopes, api_version, access_token_encrypted, inventory_location_id)
     VALUES ($1, $2, 'read_products', '2026-10', ${encryptSql("$3", "$4")}, $5) RETURNING id`,
    [organizationId, SHOP, token, secrets.TOKEN_ENCRYPTION_KEY, primary.split("/").pop()],
  );
  return { organizationId, connectionId: result.rows[0]?.id as string };
}

async function countRows(db: pg.Client, connectionId: string) {
  const rows: Record<string, number> = {};
  for (const table of mirrorTables) {
    const result = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table} WHERE connection_id = $1`,
      [connectionId],
    );
    rows[table] = result.rows[0]?.n ?? 0;
  }
  return rows;
}

/**
 * The baseline: the rows the sync wrote, read back with COPY TO STDOUT, the tables truncated
 * (their indexes stay), and the same rows written again with COPY FROM STDIN, timed.
 */
async function copyBaseline(db: pg.Client) {
  const saved: [string, CopyRows][] = [];
  for (const table of mirrorTables) saved.push([table, await copyOut(db, table)]);
  await db.query(`TRUNCATE ${mirrorTables.join(", ")}`);
  await db.query("CHECKPOINT");
  const walInit = await walInitSince(db);
  const started = performance.now();
  const msPerTable: Record<string, number> = {};
  for (const [table, data] of saved) {
    const tableStarted = performance.now();
    await copyIn(db, table, data);
    msPerTable[table] = Math.round(performance.now() - tableStarted);
  }
  const ms = performance.now() - started;
  return { ms, msPerTable, walInitMB: await walInit() };
}

/**
 * Gives the fresh cluster the WAL segments of a database that has been running: `max_wal_size`
 * of WAL, which the checkpoint after it recycles. Without it the full sync alone created and
 * zero-filled its ~24 segments of 16 MB (on this VM the first write into memory that has been
 * free for a few seconds costs ~10× more), and the COPY baseline reused them.
 */
async function prepareWal(db: pg.Client): Promise<void> {
  await db.query(
    `SELECT count(pg_logical_emit_message(false, 'bench', repeat('x', 1048576)))
     FROM generate_series(1, pg_size_bytes(current_setting('max_wal_size')) / 1048576)`,
  );
}

/** A reader of the WAL written to initialise new segments (`pg_stat_io`) since now, in MB. */
async function walInitSince(db: pg.Client): Promise<() => Promise<number>> {
  const read = async () => {
    // This session's own counts reach the view only when it flushes them.
    await db.query("SELECT pg_stat_force_next_flush()");
    const { rows } = await db.query<{ mb: number }>(
      `SELECT coalesce(sum(write_bytes), 0) / 2 ^ 20 AS mb FROM pg_stat_io
       WHERE object = 'wal' AND context = 'init'`,
    );
    return Number(rows[0]?.mb ?? 0);
  };
  const before = await read();
  return async () => (await read()) - before;
}

/**
 * The least time Shopify's bucket allows for these requests in this order, even with no latency:
 * a query runs only when the bucket holds its requested cost, then takes its actual cost; the
 * bucket starts full and refills at the restore rate.
 */
function throttleMinimumMs(requests: RequestLogEntry[]): number {
  const { maximumAvailable, restoreRate } = standardThrottle;
  let available = maximumAvailable;
  let waitedMs = 0;
  for (const request of requests) {
    const requested = request.requestedCost ?? 0;
    if (available < requested) {
      waitedMs += ((requested - available) / restoreRate) * 1000;
      available = requested;
    }
    available -= request.cost ?? 0;
  }
  return waitedMs;
}

/** 1000 (BENCH_CHANGES) products changed, then an incremental sync from a full Standard bucket. */
async function incrementalBench(
  db: pg.Client,
  sim: ReturnType<typeof rpc>,
  runJob: (type: "incremental_sync") => Promise<WorkerResult>,
) {
  const ids = await db.query<Columns<"shopify_products", "shopify_id">>(
    "SELECT shopify_id FROM shopify_products ORDER BY random() LIMIT $1",
    [changes],
  );
  await Promise.all(
    ids.rows.map((row, i) =>
      sim("updateProduct", SHOP, row.shopify_id, { title: `Bench-Kaffee ${i}` }),
    ),
  );
  await sim("updateShop", SHOP, { ...standardThrottle, currentlyAvailable: 2000 });
  await sim("clearRequests");
  stage("incremental sync");
  const job = await runJob("incremental_sync");
  const log = ((await sim("requests", { shop: SHOP })) as RequestLogEntry[]).filter((entry) =>
    entry.path.endsWith("/graphql.json"),
  );
  const answered = log.filter((entry) => !entry.throttled);
  const throttled = log.length - answered.length;
  const actualCost = answered.reduce((sum, entry) => sum + (entry.cost ?? 0), 0);
  const minimumMs = throttleMinimumMs(answered);
  const byOperation: Record<string, { requests: number; cost: number }> = {};
  for (const entry of log) {
    const name = entry.operationName ?? "?";
    const op = byOperation[name] ?? { requests: 0, cost: 0 };
    op.requests++;
    if (!entry.throttled) op.cost += entry.cost ?? 0;
    byOperation[name] = op;
  }
  return {
    changedProducts: ids.rows.length,
    ms: round(job.ms),
    ledgerMs: round(job.ledgerMs),
    requests: log.length,
    actualCost,
    minimumMs: round(minimumMs),
    timeToMinimum: Math.round((job.ms / minimumMs) * 100) / 100,
    timeWithoutLedgerToMinimum: Math.round(((job.ms - job.ledgerMs) / minimumMs) * 100) / 100,
    throttled,
    workerMaxRssMB: round(job.maxRssMB),
    sqlMs: job.sqlMs,
    byOperation,
  };
}
