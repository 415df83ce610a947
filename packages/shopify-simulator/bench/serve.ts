/**
 * Benchmark of the simulator over real HTTP on 127.0.0.1: (1) bulk JSONL download throughput of
 * a big shop's orders file, (2) GraphQL pages of 250 products with their variants, requests per
 * second with a few concurrent clients. The simulator runs in a child process, as it does next
 * to the app, so that the clients do not share its core. Sizes and duration come from the environment:
 * BENCH_PRODUCTS (10000), BENCH_ORDERS (100000), BENCH_SECONDS (10), BENCH_CLIENTS (4).
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import { Agent, request } from "node:http";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { start } from "../src/index.ts";
import { simulatorNodeFlags } from "../src/node-flags.ts";
import { benchEnv, serverEnv } from "./env.ts";

const SHOP = "bench.myshopify.com";
const {
  BENCH_PRODUCTS: products,
  BENCH_ORDERS: orders,
  BENCH_SECONDS: seconds,
  BENCH_CLIENTS: clients,
} = benchEnv;

// biome-ignore lint/suspicious/noExplicitAny: benchmark responses are read ad hoc.
type Gql = (query: string, variables?: Record<string, unknown>) => Promise<any>;

interface Ready {
  url: string;
  token: string;
  generateMs: number;
}

if (benchEnv.BENCH_ROLE === "server") await serve();
else await main();

/** The server process: one big shop; no throttling, and a cost limit that lets 250 products with variants through. */
async function serve(): Promise<void> {
  const simulator = await start({
    apiKey: "bench",
    apiSecret: "bench-secret",
    maxQueryCost: 1_000_000,
    maximumAvailable: 1_000_000_000,
    restoreRate: 1_000_000_000,
  });
  const started = performance.now();
  simulator.createShop({ domain: SHOP, seed: 1, products, customers: orders / 2, orders });
  const generateMs = Math.round(performance.now() - started);
  const { access_token: token } = simulator.createAccessToken(SHOP);
  process.send?.({ url: simulator.url, token, generateMs } satisfies Ready);
  // Asked for its CPU time, the server reports it, so the client can tell what a page costs it.
  process.on("message", () => process.send?.(process.cpuUsage()));
  process.once("disconnect", () => void simulator.close());
}

async function main(): Promise<void> {
  const server = fork(fileURLToPath(import.meta.url), {
    env: serverEnv(),
    execArgv: [...process.execArgv, ...simulatorNodeFlags],
  });
  const [ready] = (await once(server, "message")) as [Ready];
  // node:http with keep-alive costs the client less CPU than fetch, leaving the cores to the server.
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const endpoint = new URL(`${ready.url}/admin/api/2026-10/graphql.json`);
  const gql: Gql = (query, variables = {}) =>
    new Promise((resolve, reject) => {
      const req = request(
        endpoint,
        {
          method: "POST",
          agent,
          headers: {
            "Content-Type": "application/json",
            "X-Shopify-Access-Token": ready.token,
            "X-Forwarded-Host": SHOP,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ query, variables }));
    });

  const bulk = await bulkDownload(gql);
  const cpu = async () => {
    server.send("cpu");
    const [usage] = (await once(server, "message")) as [NodeJS.CpuUsage];
    return (usage.user + usage.system) / 1000;
  };
  const cpuBefore = await cpu();
  const pages = await pagesPerSecond(gql);
  const serverCpuMsPerRequest =
    Math.round((((await cpu()) - cpuBefore) / pages.requests) * 100) / 100;
  agent.destroy();
  server.disconnect();
  await once(server, "exit");
  const result = {
    machine: { cpus: availableParallelism(), node: process.version },
    shop: { products, variants: products * 3, orders, generateMs: ready.generateMs },
    bulk,
    pages: { ...pages, serverCpuMsPerRequest },
  };
  console.log(JSON.stringify(result, null, 2));
}

/** Starts a bulk query of all orders with line items, waits for it, then downloads the file three times. */
async function bulkDownload(gql: Gql) {
  const inner = `{ orders { edges { node { id name createdAt updatedAt displayFulfillmentStatus
    totalPriceSet { shopMoney { amount currencyCode } } customer { id }
    lineItems { edges { node { id sku quantity currentQuantity variant { id } } } } } } } }`;
  const started = performance.now();
  const run = await gql(
    `mutation($q: String!) { bulkOperationRunQuery(query: $q, groupObjects: false) {
    bulkOperation { id } userErrors { message } } }`,
    { q: inner },
  );
  const id = run.data.bulkOperationRunQuery.bulkOperation.id as string;
  let op: { status: string; url: string; objectCount: string; fileSize: string };
  for (;;) {
    op = (
      await gql(`query($id: ID!) { bulkOperation(id: $id) { status url objectCount fileSize } }`, {
        id,
      })
    ).data.bulkOperation;
    if (op.status !== "CREATED" && op.status !== "RUNNING") break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const produceMs = Math.round(performance.now() - started);
  const downloads: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const res = await fetch(op.url);
    let bytes = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) bytes += chunk.length;
    downloads.push(bytes / 1e6 / ((performance.now() - t) / 1000));
  }
  return {
    status: op.status,
    lines: Number(op.objectCount),
    megabytes: Number(op.fileSize) / 1e6,
    produceMs,
    downloadMBps: Math.round(Math.max(...downloads)),
    downloadMBpsAll: downloads.map(Math.round),
  };
}

/** `clients` loops paging through products (250 a page, variants included) for `seconds`. */
async function pagesPerSecond(gql: Gql) {
  const query = `query Page($after: String) { products(first: 250, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id title handle status updatedAt
      variants(first: 3) { nodes { id sku price title inventoryItem { id } } } } } }`;
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      let after: string | null = null;
      // Clients start at different pages so they do not ask for the same data in step.
      for (let skip = 0; skip < client * 5; skip++)
        after = (await gql(query, { after })).data.products.pageInfo.endCursor;
      while (performance.now() < deadline) {
        const t = performance.now();
        const page = (await gql(query, { after })).data.products;
        latencies.push(performance.now() - t);
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((latencies[Math.floor(q * (latencies.length - 1))] ?? 0) * 10) / 10;
  return {
    clients,
    seconds,
    requests: latencies.length,
    requestsPerSecond: Math.round(latencies.length / seconds),
    p50Ms: at(0.5),
    p95Ms: at(0.95),
  };
}
