export { workerNodeFlags } from "./node-flags.ts";
