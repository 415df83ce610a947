import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { z } from "zod";
import { Control, type createShopInput } from "./control.ts";
import { createSimulatorServer } from "./server.ts";
import { Simulation } from "./simulation.ts";

export type CreateShopInput = z.input<typeof createShopInput>;

export interface StartOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** The app's client id and secret, as configured in the Partner Dashboard. */
  apiKey: string;
  apiSecret: string;
  /** Name on the consent page; "Roestify" by default. */
  appName?: string;
  /** Allowed OAuth redirect URIs; any http(s) URI when omitted. */
  redirectUris?: string[];
  /** Rate limit of every shop; the plan's (Basic: 100 points/s, 2000 points) when omitted. */
  restoreRate?: number;
  maximumAvailable?: number;
  /** Single-query cost limit, 1000 as at Shopify. */
  maxQueryCost?: number;
  /** How long bulk operations stay RUNNING before they produce their file (ms). */
  bulkDelayMs?: number;
  /** The base clock; the control API can move simulated time on from it. */
  now?: () => Date;
  /** Request log entries kept, 10,000 by default. */
  logLimit?: number;
  /** Shops to create right away. */
  shops?: CreateShopInput[];
  /** The app configuration's webhook address (compliance topics, `app/uninstalled`). */
  appWebhookUri?: string;
  /** The first retry of a failed webhook delivery (doubling for each next one); 60 s. */
  webhookRetryBaseMs?: number;
}

/** A running simulator: its URL, the control API and `close()`. */
export class Simulator extends Control {
  readonly url: string;
  readonly #server: Server;

  constructor(sim: Simulation, server: Server, url: string) {
    super(sim);
    this.#server = server;
    this.url = url;
  }

  async close(): Promise<void> {
    const closed = once(this.#server, "close");
    this.#server.close();
    this.#server.closeAllConnections();
    this.sim.webhooks.close();
    await Promise.all([closed, this.sim.bulk.close()]);
  }
}

export async function start(options: StartOptions): Promise<Simulator> {
  const sim = new Simulation({
    apiKey: options.apiKey,
    apiSecret: options.apiSecret,
    appName: options.appName ?? "Roestify",
    redirectUris: options.redirectUris ?? null,
    restoreRate: options.restoreRate,
    maximumAvailable: options.maximumAvailable,
    maxQueryCost: options.maxQueryCost ?? 1000,
    bulkDelayMs: options.bulkDelayMs ?? 0,
    now: options.now,
    logLimit: options.logLimit ?? 10_000,
    webhookRetryBaseMs: options.webhookRetryBaseMs ?? 60_000,
  });
  sim.webhooks.appUri = options.appWebhookUri ?? null;
  const control = new Control(sim);
  const server = createSimulatorServer(sim, control);
  server.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  await once(server, "listening");
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  sim.baseUrl = `http://${host}:${port}`;
  const simulator = new Simulator(sim, server, sim.baseUrl);
  for (const shop of options.shops ?? []) simulator.createShop(shop);
  return simulator;
}
