/**
 * Shopify's static query cost (https://shopify.dev/docs/api/usage/limits#cost-calculation):
 * scalars and enums 0, objects 1, connections 2 plus `first`/`last` times the cost of one node,
 * mutations 10. The same walk reports the connection-argument errors Shopify reports before
 * running a query.
 */
import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  GraphQLError,
  type GraphQLSchema,
  isCompositeType,
  isListType,
  isNonNullType,
  Kind,
  type OperationDefinitionNode,
  type ValueNode,
} from "graphql";
import { collectFields, isConnectionType, isWrapperType, namedType } from "./fields.ts";

export const MAX_PAGE_SIZE = 250;
export const MUTATION_COST = 10;

export interface CostAnalysis {
  requestedCost: number;
  errors: GraphQLError[];
}

type Variables = Readonly<Record<string, unknown>>;

/** Per operation: the variables its cost depends on, and the analyses by their values. */
const analyses = new WeakMap<
  OperationDefinitionNode,
  { read: string[]; byValues: Map<string, CostAnalysis> }
>();

/** The analysis of an operation, computed once per combination of the variables it depends on. */
export function analyzeCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Variables,
): CostAnalysis {
  const cached = analyses.get(operation);
  const key = cached && JSON.stringify(cached.read.map((name) => variables[name]));
  const hit = key !== undefined ? cached?.byValues.get(key) : undefined;
  if (hit) return hit;
  const read = new Set<string>();
  const analysis = analyze(schema, operation, fragments, variables, read);
  const entry = cached ?? { read: [...read], byValues: new Map() };
  if (entry.byValues.size >= 100) entry.byValues.clear();
  entry.byValues.set(JSON.stringify(entry.read.map((name) => variables[name])), analysis);
  analyses.set(operation, entry);
  return analysis;
}

function analyze(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Variables,
  read: Set<string>,
): CostAnalysis {
  const errors: GraphQLError[] = [];
  const root = schema.getRootType(operation.operation);
  if (!root) return { requestedCost: 0, errors };
  if (operation.operation === "mutation") {
    const fields = collectFields(schema, operation.selectionSet, root, fragments);
    return { requestedCost: fields.length * MUTATION_COST, errors };
  }
  const walker = { schema, fragments, variables, read, errors };
  return { requestedCost: selectionCost(walker, operation.selectionSet, root, []), errors };
}

interface Walker {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Variables;
  /** Names of the variables the cost was computed from. */
  read: Set<string>;
  errors: GraphQLError[];
}

/** Fields every possible type selects are added; of type-specific fragments the dearest counts. */
function selectionCost(
  walker: Walker,
  selectionSet: FieldNode["selectionSet"],
  parentType: GraphQLCompositeType,
  path: string[],
): number {
  if (!selectionSet) return 0;
  let shared = 0;
  const byCondition = new Map<string, number>();
  for (const field of collectFields(walker.schema, selectionSet, parentType, walker.fragments)) {
    const cost = fieldCost(walker, field.node, field.def, parentType, [...path, field.responseKey]);
    if (field.condition)
      byCondition.set(field.condition, (byCondition.get(field.condition) ?? 0) + cost);
    else shared += cost;
  }
  return shared + Math.max(0, ...byCondition.values());
}

function fieldCost(
  walker: Walker,
  node: FieldNode,
  def: Parameters<typeof namedType>[0],
  parentType: GraphQLCompositeType,
  path: string[],
): number {
  const type = namedType(def);
  if (!isCompositeType(type)) return 0;
  const children = selectionCost(walker, node.selectionSet, type, path);
  if (isConnectionType(type)) {
    const size = pageSize(walker, node, path);
    return 2 + size * children;
  }
  // Inside a connection the page size already multiplies `edges`/`nodes`.
  if (isWrapperType(parentType as Parameters<typeof isWrapperType>[0])) {
    return (isWrapperType(type) ? 0 : 1) + children;
  }
  const nullable = isNonNullType(def.type) ? def.type.ofType : def.type;
  const count = isListType(nullable) ? listSize(walker, node) : 1;
  return count * ((isWrapperType(type) ? 0 : 1) + children);
}

function pageSize(walker: Walker, node: FieldNode, path: string[]): number {
  const first = intArgument(walker, node, "first");
  const last = intArgument(walker, node, "last");
  const size = first ?? last;
  if (size === undefined) {
    walker.errors.push(
      new GraphQLError("you must provide one of first or last", { nodes: node, path }),
    );
    return 0;
  }
  for (const [name, value] of [
    ["first", first],
    ["last", last],
  ] as const) {
    if (value !== undefined && value > MAX_PAGE_SIZE) {
      walker.errors.push(
        new GraphQLError(
          `The ${name} argument cannot exceed ${MAX_PAGE_SIZE}; requested ${value} on ${node.name.value}.`,
          { nodes: node, path, extensions: { code: "BAD_REQUEST" } },
        ),
      );
    }
    if (value !== undefined && value < 0) {
      walker.errors.push(
        new GraphQLError(`The ${name} argument cannot be negative.`, {
          nodes: node,
          path,
          extensions: { code: "BAD_REQUEST" },
        }),
      );
    }
  }
  return Math.min(Math.max(size, 0), MAX_PAGE_SIZE);
}

/** Lists that are not connections: `first`, or the number of ids/names asked for, else 1. */
function listSize(walker: Walker, node: FieldNode): number {
  const first = intArgument(walker, node, "first");
  if (first !== undefined) return first;
  for (const name of ["ids", "names"]) {
    const value = argument(walker, node, name);
    if (Array.isArray(value)) return value.length;
  }
  return 1;
}

function intArgument(walker: Walker, node: FieldNode, name: string): number | undefined {
  const value = argument(walker, node, name);
  return typeof value === "number" ? value : undefined;
}

function argument(walker: Walker, node: FieldNode, name: string): unknown {
  const arg = node.arguments?.find((a) => a.name.value === name);
  return arg ? literal(arg.value, walker) : undefined;
}

function literal(value: ValueNode, walker: Walker): unknown {
  switch (value.kind) {
    case Kind.VARIABLE:
      walker.read.add(value.name.value);
      return walker.variables[value.name.value];
    case Kind.INT:
      return Number(value.value);
    case Kind.LIST:
      return value.values.map((v) => literal(v, walker));
    case Kind.NULL:
      return null;
    default:
      return "value" in value ? value.value : undefined;
  }
}
