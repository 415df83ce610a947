/** A fake Shopify (Admin API 2026-10) for development, tests, the demo and benchmarks. */
export type { Control } from "./control.ts";
export type { FaultConfig, FaultConfigInput, RequestFault } from "./faults.ts";
export type { TokenResponse } from "./oauth.ts";
export type { RequestLogEntry } from "./request-log.ts";
export { type CreateShopInput, Simulator, type StartOptions, start } from "./simulator.ts";
export type { PlanName } from "./store.ts";
