/**
 * Bulk query operations: validated like Shopify validates them, run in the background in chunks
 * of root nodes, written as JSONL straight to a temp file (nested connections as separate lines
 * with `__parentId`), and served from the simulator with a Content-Length, like a signed
 * storage URL that expires after seven days.
 */
import { mkdtemp, open, rm, stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep, setImmediate as yieldToEventLoop } from "node:timers/promises";
import {
  type GraphQLCompositeType,
  getNamedType,
  getOperationAST,
  isCompositeType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { RequestContext } from "./graphql/context.ts";
import { executeOperation, type Prepared, prepare, schema } from "./graphql/execute.ts";
import { collectFields, isConnectionType } from "./graphql/fields.ts";
import { missingRootScope } from "./graphql/scopes.ts";
import { gid, gidNum } from "./ids.ts";
import type { BulkOperationRecord } from "./records.ts";
import type { Simulation } from "./simulation.ts";
import type { ShopState } from "./store.ts";
import { bulkOperationBody } from "./webhook-payloads.ts";

const MAX_RUNNING = 5;
const MAX_CONNECTIONS = 5;
const MAX_DEPTH = 2;
const CHUNK_SIZE = 250;
const URL_TTL_MS = 7 * 86_400_000;

/** Which response keys hold nested connections (to split off) and objects that contain some. */
interface ObjectPlan {
  fields: Map<string, FieldPlan>;
}

type FieldPlan =
  | {
      kind: "connection";
      name: string;
      nodesKey?: string;
      edgesKey?: string;
      nodeKey?: string;
      node: ObjectPlan;
    }
  | { kind: "object"; plan: ObjectPlan };

interface PlanStats {
  connections: number;
  errors: string[];
}

interface UserError {
  field: string[] | null;
  message: string;
  code?: string;
}

interface BulkFile {
  path: string;
  shop: ShopState;
  op: BulkOperationRecord;
}

export class BulkOperations {
  readonly #sim: Simulation;
  #dir: Promise<string> | null = null;
  #nextNum = 3_210_000_000;
  readonly #files = new Map<number, BulkFile>();
  readonly #runs = new Map<number, AbortController>();
  readonly #done = new Set<Promise<void>>();

  constructor(sim: Simulation) {
    this.#sim = sim;
  }

  /** `bulkOperationRunQuery`: the new operation (CREATED), or user errors. */
  start(
    ctx: RequestContext,
    query: string,
  ): { bulkOperation: BulkOperationRecord | null; userErrors: UserError[] } {
    const { shop } = ctx;
    const running = shop.bulkOperations.items.filter((op) =>
      ["CREATED", "RUNNING", "CANCELING"].includes(op.status),
    );
    if (running.length >= MAX_RUNNING) {
      const latest = running[running.length - 1] as BulkOperationRecord;
      return refuse(
        null,
        `A bulk query operation for this app and shop is already in progress: ${latest.id}. ` +
          `At most ${MAX_RUNNING} bulk query operations can run at the same time.`,
        "OPERATION_IN_PROGRESS",
      );
    }
    const entry = prepare(query);
    if (Array.isArray(entry))
      return refuse(["query"], `Invalid bulk query: ${entry.map((e) => e.message).join("; ")}`);
    const operation = getOperationAST(entry.document);
    if (operation?.operation !== "query")
      return refuse(["query"], "Bulk operations must contain exactly one query operation.");
    if (operation.variableDefinitions?.length)
      return refuse(["query"], "Bulk queries cannot use variables.");
    const planned = planRoot(entry, operation);
    if (typeof planned === "string") return refuse(["query"], planned);

    const now = this.#sim.clock.iso();
    const num = ++this.#nextNum;
    const op = shop.bulkOperations.add({
      id: gid("BulkOperation", num),
      num,
      type: "QUERY",
      status: "CREATED",
      errorCode: null,
      query,
      createdAt: now,
      completedAt: null,
      objectCount: "0",
      rootObjectCount: "0",
      fileSize: null,
      url: null,
      partialDataUrl: null,
    });
    const controller = new AbortController();
    this.#runs.set(num, controller);
    const run = this.#run(ctx, op, entry, operation, planned, controller.signal)
      .catch(() => this.#finish(shop, op, "FAILED", "INTERNAL_SERVER_ERROR"))
      .finally(() => {
        this.#runs.delete(num);
        this.#done.delete(run);
      });
    this.#done.add(run);
    return { bulkOperation: op, userErrors: [] };
  }

  /** `bulkOperationCancel`: CANCELING now, CANCELED once the run notices. */
  cancel(
    shop: ShopState,
    id: string,
  ): { bulkOperation: BulkOperationRecord | null; userErrors: UserError[] } {
    const op = shop.bulkOperations.get(gidNum(id, "BulkOperation") ?? -1);
    if (!op) return refuse(["id"], "Bulk operation does not exist");
    if (op.status !== "CREATED" && op.status !== "RUNNING") {
      return {
        bulkOperation: op,
        userErrors: [
          {
            field: null,
            message: `A bulk operation cannot be canceled when it is ${op.status.toLowerCase()}`,
          },
        ],
      };
    }
    op.status = "CANCELING";
    this.#runs.get(op.num)?.abort();
    return { bulkOperation: op, userErrors: [] };
  }

  /** The operation's result URL while it is valid; null after seven days. */
  liveUrl(op: BulkOperationRecord, url: string | null): string | null {
    if (!url || !op.completedAt) return url;
    return this.#sim.clock.now() < Date.parse(op.completedAt) + URL_TTL_MS ? url : null;
  }

  shopOf(num: number): string | null {
    return this.#files.get(num)?.shop.domain ?? null;
  }

  /** `GET /_bulk/<num>.jsonl`: the file, streamed (or cut short when that fault fires). */
  async serve(res: ServerResponse, num: number): Promise<number> {
    const file = this.#files.get(num);
    const url = file ? (file.op.url ?? file.op.partialDataUrl) : null;
    if (!file || !url || !this.liveUrl(file.op, url)) {
      // Answers as the storage behind Shopify's signed URLs does.
      const [status, code] = url ? [400, "ExpiredToken"] : [404, "NoSuchKey"];
      const body = `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code></Error>`;
      res.writeHead(status, {
        "Content-Type": "application/xml",
        "Content-Length": Buffer.byteLength(body),
      });
      res.end(body);
      return status;
    }
    const { size } = await stat(file.path);
    res.writeHead(200, { "Content-Type": "application/jsonl", "Content-Length": size });
    // A truncated download: the declared length is never reached and the connection drops.
    const truncated = file.shop.faults.drawTruncatedDownload();
    await sendFile(res, file.path, truncated ? Math.floor(size / 2) : size).catch(() => undefined);
    if (truncated) res.destroy();
    else res.end();
    return 200;
  }

  async close(): Promise<void> {
    for (const controller of this.#runs.values()) controller.abort();
    await Promise.allSettled([...this.#done]);
    if (this.#dir) await rm(await this.#dir, { recursive: true, force: true });
  }

  async #run(
    ctx: RequestContext,
    op: BulkOperationRecord,
    entry: Prepared,
    operation: OperationDefinitionNode,
    planned: { rootKey: string; root: FieldPlan & { kind: "connection" } },
    signal: AbortSignal,
  ): Promise<void> {
    const { shop } = ctx;
    await yieldToEventLoop();
    if (signal.aborted) return this.#finish(shop, op, "CANCELED");
    op.status = "RUNNING";
    const rootField = operation.selectionSet.selections.find(
      (s) => s.kind === "Field" && (s.alias?.value ?? s.name.value) === planned.rootKey,
    ) as { name: { value: string } };
    const denied = missingRootScope(ctx.scopes, rootField.name.value);
    if (denied) return this.#finish(shop, op, "FAILED", "ACCESS_DENIED");
    await sleep(shop.bulkDelayMs, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) return this.#finish(shop, op, "CANCELED");

    const failing = shop.faults.drawBulkFailure();
    const repeating = shop.faults.drawRepeatedLine();
    this.#dir ??= mkdtemp(join(tmpdir(), "shopify-simulator-"));
    const path = join(await this.#dir, `${op.num}.jsonl`);
    const out = await open(path, "w");
    // One buffer for the file's chunks: a fresh one per chunk (as a write stream takes them) made
    // V8 collect the shop's whole heap for their memory.
    let encoded: Buffer = Buffer.allocUnsafe(1 << 20);
    const file: BulkFile = { path, shop, op };
    this.#files.set(op.num, file);
    const bulk = { roots: null as { num: number }[] | null, offset: 0, size: CHUNK_SIZE };
    const runCtx: RequestContext = { ...ctx, actualCost: 0, search: [], bulk };
    let objects = 0;
    let bytes = 0;
    let outcome: {
      status: BulkOperationRecord["status"];
      error?: BulkOperationRecord["errorCode"];
    } = { status: "COMPLETED" };
    for (;;) {
      const chunk = encodeChunk(entry, operation, planned, runCtx, repeating, encoded);
      if (!chunk) {
        outcome = { status: "FAILED", error: "INTERNAL_SERVER_ERROR" };
        break;
      }
      encoded = chunk.buffer;
      if (chunk.length > 0) {
        await out.write(encoded, 0, chunk.length);
        bytes += chunk.length;
      }
      objects += chunk.lines;
      bulk.offset += CHUNK_SIZE;
      op.objectCount = String(objects);
      op.rootObjectCount = String(Math.min(bulk.offset, bulk.roots?.length ?? 0));
      if (bulk.offset >= (bulk.roots?.length ?? 0)) break;
      // An injected failure strikes after the first chunk, leaving partial data behind.
      if (failing) {
        outcome = { status: "FAILED", error: "INTERNAL_SERVER_ERROR" };
        break;
      }
      if (signal.aborted) {
        outcome = { status: "CANCELED" };
        break;
      }
      await yieldToEventLoop();
    }
    if (failing && outcome.status === "COMPLETED")
      outcome = { status: "FAILED", error: "INTERNAL_SERVER_ERROR" };
    await out.close();
    op.fileSize = String(bytes);
    const url = objects > 0 ? `${this.#sim.baseUrl}/_bulk/${op.num}.jsonl` : null;
    if (outcome.status === "COMPLETED") op.url = url;
    else if (outcome.status === "FAILED") op.partialDataUrl = url;
    this.#finish(shop, op, outcome.status, outcome.error ?? null);
  }

  #finish(
    shop: ShopState,
    op: BulkOperationRecord,
    status: BulkOperationRecord["status"],
    errorCode: BulkOperationRecord["errorCode"] = null,
  ): void {
    op.status = status;
    op.errorCode = errorCode;
    op.completedAt = this.#sim.clock.iso();
    shop.bulkOperations.changed();
    this.#sim.webhooks.emit(shop, "bulk_operations/finish", bulkOperationBody(op));
  }
}

/**
 * Sends the file's first `length` bytes through one reused buffer, each piece once the socket
 * has taken the one before: fresh buffers for 200 MB of downloads cost the simulator two
 * collections of its whole heap (~1 s) and twice the CPU.
 */
async function sendFile(res: ServerResponse, path: string, length: number): Promise<void> {
  const file = await open(path);
  // A client that hangs up before the end leaves a write that never completes.
  const closed = new Promise<never>((_, reject) =>
    res.once("close", () => reject(new Error("the client closed the download"))),
  );
  closed.catch(() => {});
  try {
    const buffer = Buffer.allocUnsafe(Math.min(length, 1 << 20));
    for (let position = 0; position < length; ) {
      const { bytesRead } = await file.read(
        buffer,
        0,
        Math.min(buffer.length, length - position),
        position,
      );
      if (bytesRead === 0) return;
      position += bytesRead;
      const written = new Promise<void>((resolve, reject) =>
        res.write(buffer.subarray(0, bytesRead), (error) => (error ? reject(error) : resolve())),
      );
      await Promise.race([written, closed]);
    }
  } finally {
    await file.close();
  }
}

function refuse(field: string[] | null, message: string, code = "INVALID") {
  return { bulkOperation: null, userErrors: [{ field, message, code }] };
}

/** Checks Shopify's bulk query rules and returns what is needed to split results into lines. */
function planRoot(
  entry: Prepared,
  operation: OperationDefinitionNode,
): { rootKey: string; root: FieldPlan & { kind: "connection" } } | string {
  const stats: PlanStats = { connections: 0, errors: [] };
  const root = planObject(
    entry,
    operation.selectionSet,
    schema.getQueryType() as GraphQLCompositeType,
    0,
    stats,
  );
  const connections = [...root.fields].filter(([, plan]) => plan.kind === "connection");
  if (stats.connections === 0) return "Bulk queries must contain at least one connection.";
  if (connections.length !== 1 || root.fields.size !== 1) {
    return "Bulk queries must select exactly one top-level connection field.";
  }
  if (stats.connections > MAX_CONNECTIONS)
    return `Bulk queries cannot contain more than ${MAX_CONNECTIONS} connections.`;
  if (stats.errors.length > 0) return stats.errors.join(" ");
  const [rootKey, plan] = connections[0] as [string, FieldPlan & { kind: "connection" }];
  return { rootKey, root: plan };
}

function planObject(
  entry: Prepared,
  selectionSet: SelectionSetNode | undefined,
  type: GraphQLCompositeType,
  depth: number,
  stats: PlanStats,
  plan: ObjectPlan = { fields: new Map() },
): ObjectPlan {
  if (!selectionSet) return plan;
  for (const field of collectFields(schema, selectionSet, type, entry.fragments)) {
    const named = getNamedType(field.def.type);
    if (!isCompositeType(named)) continue;
    if (isConnectionType(named)) {
      stats.connections++;
      if (depth + 1 > MAX_DEPTH) {
        stats.errors.push(
          `Bulk queries cannot contain connections nested more than ${MAX_DEPTH} levels deep.`,
        );
      }
      plan.fields.set(
        field.responseKey,
        planConnection(
          entry,
          field.node.selectionSet,
          named,
          field.node.name.value,
          depth + 1,
          stats,
        ),
      );
      continue;
    }
    const child = planObject(entry, field.node.selectionSet, named, depth, stats);
    if (child.fields.size > 0) plan.fields.set(field.responseKey, { kind: "object", plan: child });
  }
  return plan;
}

function planConnection(
  entry: Prepared,
  selectionSet: SelectionSetNode | undefined,
  connectionType: GraphQLCompositeType,
  name: string,
  depth: number,
  stats: PlanStats,
): FieldPlan & { kind: "connection" } {
  const plan: FieldPlan & { kind: "connection" } = {
    kind: "connection",
    name,
    node: { fields: new Map() },
  };
  let selectsId = true;
  const planNode = (set: SelectionSetNode | undefined, nodeType: GraphQLCompositeType) => {
    planObject(entry, set, nodeType, depth, stats, plan.node);
    const fields = set ? collectFields(schema, set, nodeType, entry.fragments) : [];
    if (!fields.some((f) => f.responseKey === "id" && f.node.name.value === "id"))
      selectsId = false;
  };
  // Validation guarantees a connection field has a selection.
  for (const field of collectFields(
    schema,
    selectionSet as SelectionSetNode,
    connectionType,
    entry.fragments,
  )) {
    const named = getNamedType(field.def.type) as GraphQLCompositeType;
    if (field.def.name === "nodes") {
      plan.nodesKey = field.responseKey;
      planNode(field.node.selectionSet, named);
    } else if (field.def.name === "edges" && field.node.selectionSet) {
      plan.edgesKey = field.responseKey;
      for (const edgeField of collectFields(
        schema,
        field.node.selectionSet,
        named,
        entry.fragments,
      )) {
        if (edgeField.def.name !== "node") continue;
        plan.nodeKey = edgeField.responseKey;
        planNode(
          edgeField.node.selectionSet,
          getNamedType(edgeField.def.type) as GraphQLCompositeType,
        );
      }
    }
  }
  const nested = [...plan.node.fields.values()].some(
    (f) => f.kind === "connection" || f.kind === "object",
  );
  if (nested && !selectsId) {
    stats.errors.push(
      `The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection: '${name}'.`,
    );
  }
  return plan;
}

const newline = 0x0a;

/**
 * Runs the query for the run's next chunk of root nodes and encodes its JSONL lines into
 * `buffer` (or a larger one); null when the query failed. Synchronous, so nothing of the chunk
 * outlives it: kept across the file's write, a chunk's result made V8 promote megabytes.
 */
function encodeChunk(
  entry: Prepared,
  operation: OperationDefinitionNode,
  planned: { rootKey: string; root: FieldPlan & { kind: "connection" } },
  ctx: RequestContext,
  repeating: boolean,
  buffer: Buffer,
): { buffer: Buffer; length: number; lines: number } | null {
  const result = executeOperation(entry, operation, {}, ctx) as {
    data?: Record<string, unknown> | null;
    errors?: unknown[];
  };
  if (result.errors?.length || !result.data) return null;
  const lines: string[] = [];
  for (const node of childrenOf(result.data[planned.rootKey], planned.root))
    emitNode(node, planned.root.node, undefined, lines);
  // An injected repeat: the chunk's first object is written a second time, at its end.
  if (repeating && lines[0] !== undefined) lines.push(lines[0]);
  // Line by line: the chunk's lines joined into one string (up to a megabyte, allocated in V8's
  // old generation) made it collect the shop's whole heap every ~1.5 s of an export.
  let out = buffer;
  let length = 0;
  for (const line of lines) {
    // UTF-8 takes at most three bytes per UTF-16 unit, and the newline one.
    const most = 3 * line.length + 1;
    if (length + most > out.length) {
      const larger = Buffer.allocUnsafe(Math.max(2 * out.length, length + most));
      out.copy(larger, 0, 0, length);
      out = larger;
    }
    length += out.write(line, length);
    out[length++] = newline;
  }
  return { buffer: out, length, lines: lines.length };
}

function childrenOf(
  value: unknown,
  plan: FieldPlan & { kind: "connection" },
): Record<string, unknown>[] {
  const connection = value as Record<string, unknown> | null;
  if (!connection) return [];
  if (plan.nodesKey) return (connection[plan.nodesKey] as Record<string, unknown>[]) ?? [];
  const edges = (connection[plan.edgesKey as string] as Record<string, unknown>[]) ?? [];
  return edges.map((edge) => edge[plan.nodeKey as string] as Record<string, unknown>);
}

/**
 * One JSONL line for the node, then lines for the nodes of its nested connections. The node is
 * the run's own result object: its nested connections are taken out in place, and a child's
 * `__parentId` is written as the line's last key, as Shopify does.
 */
function emitNode(
  node: Record<string, unknown>,
  plan: ObjectPlan,
  parentIdJson: string | undefined,
  lines: string[],
): void {
  const nested: [FieldPlan & { kind: "connection" }, unknown][] = [];
  if (plan.fields.size > 0) detachNested(node, plan, nested);
  const json = JSON.stringify(node);
  lines.push(
    parentIdJson === undefined
      ? json
      : `${json.slice(0, -1)}${json.length > 2 ? "," : ""}"__parentId":${parentIdJson}}`,
  );
  if (nested.length === 0) return;
  // Encoded once for all of the node's children.
  const idJson = JSON.stringify(node.id);
  for (const [connection, value] of nested) {
    for (const child of childrenOf(value, connection))
      emitNode(child, connection.node, idJson, lines);
  }
}

/** Moves `value`'s nested connections into `nested` (left `undefined`, which JSON omits). */
function detachNested(
  value: Record<string, unknown>,
  plan: ObjectPlan,
  nested: [FieldPlan & { kind: "connection" }, unknown][],
): void {
  for (const [key, field] of plan.fields) {
    const child = value[key];
    if (field.kind === "connection") {
      nested.push([field, child]);
      value[key] = undefined;
    } else if (Array.isArray(child)) {
      for (const item of child) if (item) detachNested(item, field.plan, nested);
    } else if (child) detachNested(child as Record<string, unknown>, field.plan, nested);
  }
}
