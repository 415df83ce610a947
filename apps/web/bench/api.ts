/**
 * Benchmark of the REST API's throughput (`pnpm bench:api`): autocannon with 200 connections,
 * 10 s per route, one run, against a bare Express 5 route doing one indexed SELECT through `pg`
 * on the same database, then the web process as `pnpm --filter @roestify/web start` runs it
 * (default logging, its own pool), signed in as one organisation with a connected shop. `status`
 * is measured with 150 mirror rows and again with 1,000,000 (BENCH_MIRROR_ROWS): it must cost
 * the same. Each route runs right after a run of the bare route, and each run reports the CPU
 * time its server process and PostgreSQL spent per request, so that a machine shared with other
 * work still gives comparable figures (requests/s move with the load, CPU per request less).
 * Everything binds 127.0.0.1 (PostgreSQL on BENCH_PORT, default 3155, the web process on the next
 * port, the bare route on the one after) on a throwaway embedded PostgreSQL; the run stops by
 * itself (at the latest after BENCH_TIMEOUT_S, 600).
 */
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Columns,
  childEnv,
  encryptSql,
  parseEnv,
  prepareDatabase,
  startEmbeddedPostgres,
} from "@roestify/db";
import { testSecrets } from "@roestify/runtime/testing";
import autocannon from "autocannon";
import express from "express";
import { SignJWT } from "jose";
import pg from "pg";
import { z } from "zod";
import { cpuMs } from "./process-cpu.ts";
import { startWebProcess } from "./web-process.ts";

const env = parseEnv(
  z.object({
    BENCH_ROLE: z.enum(["bare"]).optional(),
    BENCH_DATABASE_URL: z.string().optional(),
    BENCH_SECONDS: z.coerce.number().int().min(1).default(10),
    BENCH_CONNECTIONS: z.coerce.number().int().min(1).default(200),
    BENCH_MIRROR_ROWS: z.coerce.number().int().min(0).default(1_000_000),
    BENCH_TIMEOUT_S: z.coerce.number().int().min(1).default(600),
    /** The first of three ports: PostgreSQL, the web process, the bare route. */
    BENCH_PORT: z.coerce.number().int().min(1).max(65_533).default(3155),
    /** Only these routes (comma-separated names, e.g. `status` for a profile of it alone). */
    BENCH_ROUTES: z
      .string()
      .default("status,jobs/:id,jobs,inventory")
      .transform((names) => new Set(names.split(","))),
    /** Node flags of the web process, e.g. `--cpu-prof` to see where its time goes. */
    BENCH_WEB_ARGS: z.string().default(""),
  }),
  process.env,
);

const ports = { postgres: env.BENCH_PORT, web: env.BENCH_PORT + 1, bare: env.BENCH_PORT + 2 };
const organizationId = "bench-roesterei";
// The tests' configuration: a throwaway database, nothing of it leaves this machine.
const secrets = testSecrets;

if (env.BENCH_ROLE === "bare") await serveBare(env.BENCH_DATABASE_URL as string);
else await main();

/** The baseline: Express 5 and `pg` (a pool of 10, as the web process has), one indexed SELECT. */
async function serveBare(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const app = express();
  app.get("/bare/jobs/:id", async (req, res) => {
    const result = await pool.query("SELECT * FROM shopify_sync_jobs WHERE id = $1", [
      req.params.id,
    ]);
    res.json({ data: result.rows[0] ?? null });
  });
  app.listen(ports.bare, "127.0.0.1", () => process.send?.("ready"));
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-api-"));
  const children: ChildProcess[] = [];
  const timeout = setTimeout(() => {
    console.error(`bench:api: stopped after ${env.BENCH_TIMEOUT_S} s`);
    for (const child of children) child.kill();
    process.exit(1);
  }, env.BENCH_TIMEOUT_S * 1000);
  const cluster = await startEmbeddedPostgres({ dataDir, port: ports.postgres, persistent: false });
  try {
    await prepareDatabase(cluster.url);
    const db = new pg.Pool({ connectionString: cluster.url, max: 2 });
    const { jobId } = await seed(db);
    const start = async (
      script: string,
      extra: Record<string, string>,
      execArgv: string[] = [],
    ) => {
      const child = fork(script, [], {
        execArgv,
        env: childEnv(extra),
        stdio: ["ignore", "ignore", "inherit", "ipc"],
      });
      children.push(child);
      return child;
    };
    // This file imports the test secrets (`@roestify/runtime/testing`, exported under `test`).
    const bare = await start(
      fileURLToPath(import.meta.url),
      { BENCH_ROLE: "bare", BENCH_DATABASE_URL: cluster.url },
      ["--conditions=test"],
    );
    await ready(bare);
    const { process: webProcess, url: web } = await startWebProcess({
      databaseUrl: cluster.url,
      port: ports.web,
      nodeArgs: env.BENCH_WEB_ARGS.split(" ").filter(Boolean),
    });
    children.push(webProcess);
    const authorization = `Bearer ${await new SignJWT({ org: organizationId })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("bench-user")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(secrets.AUTH_JWT_SECRET))}`;
    const routes = {
      status: "/api/v1/shopify/status",
      "jobs/:id": `/api/v1/shopify/jobs/${jobId}`,
      jobs: "/api/v1/shopify/jobs",
      inventory: "/api/v1/inventory",
    };
    // A route that does not answer 200 would measure its error path.
    for (const path of Object.values(routes)) {
      const answer = await fetch(`${web}${path}`, { headers: { authorization } });
      if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}`);
    }

    const postmaster = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    const bareRoute = () =>
      measure(`http://127.0.0.1:${ports.bare}/bare/jobs/${jobId}`, {
        pid: bare.pid as number,
        postmaster,
      });
    const rows: Record<string, Result & { toBare: number; cpuToBare: number }> = {};
    // Each route right after a bare run, compared with that one.
    const route = async (name: string, path: string) => {
      const baseline = await bareRoute();
      rows[`bare Express 5 + pg (before ${name})`] = { ...baseline, toBare: 1, cpuToBare: 1 };
      const result = await measure(
        `${web}${path}`,
        { pid: webProcess.pid as number, postmaster },
        authorization,
      );
      rows[name] = {
        ...result,
        toBare: Math.round((result.requestsPerSecond / baseline.requestsPerSecond) * 100) / 100,
        cpuToBare: Math.round((baseline.cpuMsPerRequest / result.cpuMsPerRequest) * 100) / 100,
      };
    };
    // Warm-up, not reported: the JIT, the pools' connections and their prepared statements.
    const warmUp = async (paths: string[]) => {
      for (const path of paths) {
        await autocannon({
          url: `${web}${path}`,
          connections: 20,
          duration: 2,
          headers: { authorization },
        });
      }
      await bareRoute();
    };
    await warmUp(Object.values(routes));
    const status = async () =>
      await route(
        `status, ${(await mirrorRows(db)).toLocaleString("en")} mirror rows`,
        routes.status,
      );
    const chosen = (name: string) => env.BENCH_ROUTES.has(name);
    if (chosen("status")) await status();
    if (chosen("jobs/:id")) await route("jobs/:id", routes["jobs/:id"]);
    if (chosen("jobs")) await route("jobs (a page of 20)", routes.jobs);
    if (chosen("inventory")) await route("inventory", routes.inventory);
    let filled: number | undefined;
    if (chosen("status")) {
      filled = await fillMirrors(db, env.BENCH_MIRROR_ROWS);
      // The pools closed their connections while idle during the fill.
      await warmUp([routes.status]);
      await status();
    }

    console.log(
      JSON.stringify(
        {
          machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg() },
          settings: { connections: env.BENCH_CONNECTIONS, seconds: env.BENCH_SECONDS },
          mirrorFillSeconds: filled,
        },
        null,
        2,
      ),
    );
    // toBare: requests/s against the bare run just before; cpuToBare: the bare route's CPU per
    // request divided by the route's (the share of the bare route's throughput the route would
    // reach on the same CPU).
    console.table(rows);
    await db.end();
  } finally {
    clearTimeout(timeout);
    // SIGINT: the web process stops cleanly (and writes a --cpu-prof profile).
    for (const child of children) child.kill("SIGINT");
    await Promise.all(
      children.map((child) => (child.exitCode === null ? once(child, "exit") : null)),
    );
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Resolves when a child process reports it is ready; fails when it ends before. */
function ready(child: ChildProcess) {
  return new Promise<void>((resolve, reject) => {
    const exited = (code: number | null) =>
      reject(new Error(`a bench process ended before it was ready (exit code ${code})`));
    child.once("exit", exited);
    child.once("message", () => {
      child.off("exit", exited);
      resolve();
    });
  });
}

interface Result {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** CPU time per request, in ms: of the server process plus PostgreSQL, and each apart. */
  cpuMsPerRequest: number;
  serverCpuMs: number;
  postgresCpuMs: number;
}

/**
 * The CPU time the processes spend from now until `stop`: sampled every 200 ms, so that a
 * PostgreSQL backend that ends meanwhile (a pool closing an idle connection) still counts with
 * its last figure, and one that starts counts from zero.
 */
function cpuMeter(pids: () => number[]) {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  for (const pid of pids()) first.set(pid, cpuMs(pid) ?? 0);
  const sample = () => {
    for (const pid of pids()) {
      const ms = cpuMs(pid);
      if (ms !== undefined) last.set(pid, ms);
    }
  };
  const timer = setInterval(sample, 200);
  return {
    stop(): number {
      clearInterval(timer);
      sample();
      let total = 0;
      for (const [pid, ms] of last) total += ms - (first.get(pid) ?? 0);
      return total;
    },
  };
}

/** The postmaster and its children: the backends serving the pools, and its workers. */
function postgresPids(postmaster: number): number[] {
  const children = readdirSync("/proc").filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      return Number(stat.split(") ")[1]?.split(" ")[1]) === postmaster;
    } catch {
      return false;
    }
  });
  return [postmaster, ...children.map(Number)];
}

async function measure(
  url: string,
  server: { pid: number; postmaster: number },
  authorization?: string,
): Promise<Result> {
  const serverMeter = cpuMeter(() => [server.pid]);
  const postgresMeter = cpuMeter(() => postgresPids(server.postmaster));
  const result = await autocannon({
    url,
    connections: env.BENCH_CONNECTIONS,
    duration: env.BENCH_SECONDS,
    headers: authorization ? { authorization } : {},
  });
  const perRequest = (ms: number) =>
    Math.round((ms / Math.max(1, result.requests.total)) * 1000) / 1000;
  const serverCpuMs = perRequest(serverMeter.stop());
  const postgresCpuMs = perRequest(postgresMeter.stop());
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuMsPerRequest: Math.round((serverCpuMs + postgresCpuMs) * 1000) / 1000,
    serverCpuMs,
    postgresCpuMs,
  };
}

/**
 * One roastery as a new user has it after a first sync: a connected shop with two locations, a
 * job of each type (and 300 older ones), 50 SKUs with 20 movements each, mapped to mirrored
 * variants, and 100 mirror rows. Returns the newest job's id.
 */
async function seed(db: pg.Pool): Promise<{ jobId: string }> {
  await db.query("INSERT INTO organizations (id) VALUES ($1)", [organizationId]);
  const connection = await db.query<Columns<"shopify_connections", "id">>(
    `INSERT INTO shopify_connections
       (organization_id, shop, scopes, api_version, access_token_encrypted, inventory_location_id)
     VALUES ($1, 'bench.myshopify.com', 'read_products', '2026-10', ${encryptSql("$2", "$3")}, 101)
     RETURNING id`,
    [organizationId, "shpat_bench", secrets.TOKEN_ENCRYPTION_KEY],
  );
  const connectionId = connection.rows[0]?.id as string;
  await db.query(
    `INSERT INTO shopify_locations (connection_id, shopify_id, name, is_primary, raw)
     VALUES ($1, 101, 'Rösterei', true, '{}'), ($1, 102, 'Lager', false, '{}')`,
    [connectionId],
  );
  await db.query(
    `INSERT INTO shopify_sync_jobs (organization_id, connection_id, type, status, requested_by, created_at)
     SELECT $1, $2, (ARRAY['full_sync', 'incremental_sync', 'inventory_push'])[1 + n % 3],
            'succeeded', 'bench', now() - n * interval '1 minute'
     FROM generate_series(1, 303) n`,
    [organizationId, connectionId],
  );
  const job = await db.query<Columns<"shopify_sync_jobs", "id">>(
    "SELECT id FROM shopify_sync_jobs ORDER BY created_at DESC LIMIT 1",
  );
  await db.query(
    `INSERT INTO shopify_products (connection_id, shopify_id, title, handle, status, raw, shopify_updated_at)
     SELECT $1, n, 'Kaffee ' || n, 'kaffee-' || n, 'ACTIVE', '{}', now() FROM generate_series(1, 50) n`,
    [connectionId],
  );
  await db.query(
    `INSERT INTO shopify_product_variants (connection_id, shopify_id, product_id, title, sku, inventory_item_id, raw)
     SELECT $1, 1000 + n, n, '1 kg', 'SKU-' || n, 5000 + n, '{}' FROM generate_series(1, 50) n`,
    [connectionId],
  );
  await db.query(
    `INSERT INTO shopify_inventory_levels (connection_id, inventory_item_id, location_id, available, raw)
     SELECT $1, 5000 + n, 101, 20, '{}' FROM generate_series(1, 50) n`,
    [connectionId],
  );
  await db.query(
    `INSERT INTO inventory_items (organization_id, sku, title)
     SELECT $1, 'SKU-' || n, 'Kaffee ' || n FROM generate_series(1, 50) n`,
    [organizationId],
  );
  await db.query(
    `INSERT INTO inventory_movements (organization_id, inventory_item_id, kind, delta, source_ref, occurred_at)
     SELECT $1, i.id, 'packaging', 1, 'bench:' || i.sku || ':' || n, now()
     FROM inventory_items i, generate_series(1, 20) n`,
    [organizationId],
  );
  await db.query("ANALYZE");
  return { jobId: job.rows[0]?.id as string };
}

/**
 * Adds products until the connection's mirrors hold `rows` rows in all; answers the seconds.
 * The new rows are settled as in a shop that grew to this size over time: vacuumed, analysed
 * and checkpointed. Otherwise autovacuum of the fresh million rows (about 0.5 s of CPU) and the
 * writing of their pages would land in the measured seconds of whichever run came next.
 */
async function fillMirrors(db: pg.Pool, rows: number) {
  const started = performance.now();
  await db.query(
    `INSERT INTO shopify_products (connection_id, shopify_id, title, handle, status, raw, shopify_updated_at)
     SELECT c.id, 100000 + n, 'Kaffee ' || n, 'kaffee-' || n, 'ACTIVE', '{"id": 1}', now()
     FROM shopify_connections c, generate_series(1, $1::int - 150) n`,
    [rows],
  );
  await db.query("VACUUM (ANALYZE) shopify_products");
  await db.query("CHECKPOINT");
  return Math.round((performance.now() - started) / 100) / 10;
}

/** The mirrors' rows, counted (not the maintained counts the route reads). */
async function mirrorRows(db: pg.Pool): Promise<number> {
  const counted = await db.query<{ n: string }>(
    `SELECT (SELECT count(*) FROM shopify_products) + (SELECT count(*) FROM shopify_product_variants)
       + (SELECT count(*) FROM shopify_inventory_levels) AS n`,
  );
  return Number(counted.rows[0]?.n);
}
