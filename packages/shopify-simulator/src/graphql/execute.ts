/**
 * Runs Admin API GraphQL requests against Shopify's real 2026-10 schema: parse and validate
 * (cached per document), Shopify's pre-execution checks (page sizes, max cost), the shop's
 * rate-limit bucket, then execution with the simulator's resolvers, compiled once per operation
 * by graphql-jit (1.6 times the pages per second of graphql-js' interpreter; its results are plain
 * objects, which `JSON.stringify` serialises fast).
 */
import { loadAdminSchema } from "@roestify/shopify/admin-schema";
import {
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLErrorOptions,
  type GraphQLFormattedError,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isAbstractType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
} from "graphql";
import { type CompiledQuery, compileQuery, isCompiledQuery } from "graphql-jit";
import { moneyBag } from "../records.ts";
import type { ThrottleStatus } from "../throttle.ts";
import { paginate } from "./connection.ts";
import type { RequestContext } from "./context.ts";
import { analyzeCost, MUTATION_COST } from "./cost.ts";
import { formatRequestError } from "./errors.ts";
import { isConnectionType, isWrapperType } from "./fields.ts";
import { typeName } from "./nodes.ts";
import { type Resolver, resolvers } from "./resolvers.ts";
import { requireRootScope } from "./scopes.ts";

export const schema: GraphQLSchema = loadAdminSchema();

export interface Prepared {
  document: DocumentNode;
  fragments: Record<string, FragmentDefinitionNode>;
}

const prepared = new Map<string, Prepared | GraphQLFormattedError[]>();

/** Parses and validates a document once; later requests with the same text reuse the result. */
export function prepare(query: string): Prepared | GraphQLFormattedError[] {
  let entry = prepared.get(query);
  if (!entry) {
    entry = parseAndValidate(query);
    if (prepared.size >= 2000) prepared.delete(prepared.keys().next().value as string);
    prepared.set(query, entry);
  }
  return entry;
}

function parseAndValidate(query: string): Prepared | GraphQLFormattedError[] {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return [formatRequestError(error as GraphQLError)];
  }
  const errors = validate(schema, document);
  if (errors.length > 0) return errors.map(formatRequestError);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return { document, fragments };
}

export interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export interface GraphQLOutcome {
  body: { data?: unknown; errors?: GraphQLFormattedError[]; extensions?: Record<string, unknown> };
  operationName: string | null;
  cost: CostExtension | null;
}

const documentation = "https://shopify.dev/api/usage/rate-limits";

/** One Admin API request, answered as Shopify answers it (always HTTP 200). */
export function runGraphQL(
  request: GraphQLRequest,
  ctx: RequestContext,
  drainBucket = false,
): GraphQLOutcome {
  const entry = prepare(request.query);
  if (Array.isArray(entry))
    return { body: { errors: entry }, operationName: request.operationName ?? null, cost: null };
  const operation = getOperationAST(entry.document, request.operationName);
  const operationName = operation?.name?.value ?? request.operationName ?? null;
  if (!operation) {
    const message = request.operationName
      ? `No operation named "${request.operationName}"`
      : "An operation name is required";
    return {
      body: { errors: [{ message, extensions: { code: "BAD_REQUEST" } }] },
      operationName,
      cost: null,
    };
  }
  const variables = getVariableValues(
    schema,
    operation.variableDefinitions ?? [],
    request.variables ?? {},
  );
  if (variables.errors) {
    const errors = variables.errors.map((e) => ({
      ...e.toJSON(),
      extensions: { code: "INVALID_VARIABLE" },
    }));
    return { body: { errors }, operationName, cost: null };
  }
  const analysis = analyzeCost(
    schema,
    operation,
    entry.fragments,
    variables.variableValues?.coerced ?? {},
  );
  if (analysis.errors.length > 0) {
    return { body: { errors: analysis.errors.map((e) => e.toJSON()) }, operationName, cost: null };
  }
  const requested = analysis.requestedCost;
  const { shop, sim } = ctx;
  const maxCost = sim.options.maxQueryCost;
  if (requested > maxCost) {
    return { body: { errors: [maxCostError(requested, maxCost)] }, operationName, cost: null };
  }
  const now = sim.clock.now();
  if (drainBucket) shop.bucket.configure({ currentlyAvailable: 0 }, now);
  if (!shop.bucket.take(requested, now)) {
    const cost = {
      requestedQueryCost: requested,
      actualQueryCost: null,
      throttleStatus: shop.bucket.status(now),
    };
    return { body: throttledBody(cost), operationName, cost };
  }
  const result = executeOperation(
    entry,
    operation,
    request.variables ?? {},
    ctx,
  ) as ExecutionResult;
  const actual = Math.min(ctx.actualCost, requested);
  shop.bucket.refund(requested - actual, sim.clock.now());
  const cost = {
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: shop.bucket.status(sim.clock.now()),
  };
  const extensions: Record<string, unknown> = { cost };
  if (ctx.search.length > 0) extensions.search = ctx.search;
  const body: GraphQLOutcome["body"] = {};
  if (result.errors) body.errors = result.errors.map((e) => e.toJSON());
  body.data = result.data;
  body.extensions = extensions;
  return { body, operationName, cost };
}

function throttledBody(cost: CostExtension): GraphQLOutcome["body"] {
  return {
    errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation } }],
    extensions: { cost },
  };
}

function maxCostError(cost: number, maxCost: number): GraphQLFormattedError {
  return {
    message:
      `Query cost is ${cost}, which exceeds the single query max cost limit (${maxCost}).\n\n` +
      "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n" +
      "cost of a query is calculated.\n\n" +
      "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n" +
      "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n",
    extensions: { code: "MAX_COST_EXCEEDED", cost, maxCost, documentation },
  };
}

/**
 * Compiled operations, for pages and for bulk runs. A bulk run writes the values as they are: its
 * fields are those of the paged queries, whose scalars and enums are checked as serialized
 * (0.7 s of the 7.2 s of CPU that exporting the full sync's four files took).
 */
const compiled = {
  paged: new WeakMap<OperationDefinitionNode, CompiledQuery>(),
  bulk: new WeakMap<OperationDefinitionNode, CompiledQuery>(),
};

/** Executes an already validated operation; bulk runs call this once per chunk. */
export function executeOperation(
  entry: Prepared,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  ctx: RequestContext,
): ExecutionResult {
  const cache = ctx.bulk ? compiled.bulk : compiled.paged;
  let query = cache.get(operation);
  if (!query) {
    const result = compileQuery(schema, entry.document, operation.name?.value, {
      disableLeafSerialization: ctx.bulk !== null,
    });
    if (!isCompiledQuery(result)) return result as ExecutionResult;
    query = result;
    cache.set(operation, query);
  }
  // The simulator's resolvers are synchronous, so is the result.
  const result = query.query({}, ctx, variables) as ExecutionResult;
  return result.errors ? { ...result, errors: result.errors.map(reportUnsimulated) } : result;
}

const nullInNonNull = /^Cannot return null for non-nullable field (\w+)\.(\w+)\.$/;

/** A non-null scalar the records lack (read inline by graphql-jit) is reported as not simulated. */
function reportUnsimulated(error: GraphQLError): GraphQLError {
  const [, type, field] = nullInNonNull.exec(error.message) ?? [];
  if (!type || !field) return error;
  return notSimulated(type, field, { nodes: error.nodes, path: error.path });
}

function notSimulated(type: string, field: string, options: GraphQLErrorOptions = {}) {
  return new GraphQLError(`${type}.${field} is not simulated by the Shopify simulator.`, {
    ...options,
    extensions: { code: "NOT_SIMULATED" },
  });
}

type Weight = { kind: "leaf" | "wrapper" | "connection" | "object"; list: boolean };
const weights = new Map<GraphQLOutputType, Weight>();

function weightOf(type: GraphQLOutputType): Weight {
  let weight = weights.get(type);
  if (!weight) {
    const named = getNamedType(type);
    const list = isListType(isNonNullType(type) ? type.ofType : type);
    const kind = !isCompositeType(named)
      ? "leaf"
      : isConnectionType(named)
        ? "connection"
        : isWrapperType(named)
          ? "wrapper"
          : "object";
    weight = { kind, list };
    weights.set(type, weight);
  }
  return weight;
}

/** Shopify's actual cost: what was really returned, priced like the requested cost. */
function countCost(ctx: RequestContext, info: GraphQLResolveInfo, value: unknown): void {
  if (value === null || typeof value !== "object") return;
  if (info.operation.operation === "mutation") {
    if (info.path.prev === undefined) ctx.actualCost += MUTATION_COST;
    return;
  }
  const weight = weightOf(info.returnType);
  if (weight.kind === "connection") ctx.actualCost += 2;
  else if (weight.kind === "object")
    ctx.actualCost += weight.list ? (value as unknown[]).length : 1;
}

/** Resolves the fields with a resolver of their own and those of objects, lists and connections. */
function fieldResolver(
  source: Record<string, unknown>,
  args: Record<string, unknown>,
  ctx: RequestContext,
  info: GraphQLResolveInfo,
): unknown {
  const custom = resolvers[info.parentType.name]?.[info.fieldName] as
    | Resolver<unknown, unknown>
    | undefined;
  let value: unknown;
  if (custom) {
    if (info.path.prev === undefined) requireRootScope(ctx, info);
    value = custom(source, args, ctx, info);
  } else {
    value = source[info.fieldName];
    if (Array.isArray(value) && typeof args.first === "number") value = value.slice(0, args.first);
  }
  if (value === undefined) value = unsimulated(ctx, info);
  countCost(ctx, info, value);
  return value;
}

/** Fields without data: empty lists and connections, zero money, null; an error where null is not allowed. */
function unsimulated(ctx: RequestContext, info: GraphQLResolveInfo): unknown {
  const named = getNamedType(info.returnType);
  if (weightOf(info.returnType).list) return [];
  if (isConnectionType(named)) return paginate([], () => 0, {});
  if (named.name === "MoneyBag") return moneyBag(0, ctx.shop.shop.currencyCode);
  if (!isNonNullType(info.returnType)) return null;
  throw notSimulated(info.parentType.name, info.fieldName);
}

// Fields with a resolver of their own and fields of objects, lists and connections (they cost
// points) resolve through `fieldResolver`; graphql-jit reads the other scalars inline from the
// records. Abstract types resolve by the GID's type.
for (const type of Object.values(schema.getTypeMap())) {
  if (isObjectType(type)) {
    for (const field of Object.values(type.getFields())) {
      if (resolvers[type.name]?.[field.name] || isCompositeType(getNamedType(field.type))) {
        field.resolve = fieldResolver;
      }
    }
  } else if (isAbstractType(type)) {
    type.resolveType = (value: { id: string }) => typeName(value);
  }
}
