import {
  type DefinitionNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

type Variables = Record<string, unknown>;

interface Parsed {
  operation: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
}

const parsed = new Map<string, Parsed>();
const mutationFieldCost = 10;

/**
 * Shopify's requested cost of a document, estimated from its text: what the client reserves
 * before it first sends a document (afterwards it reserves Shopify's own figure). Shopify's
 * rules: an object costs 1 and a scalar 0; a connection (`first:`/`last:`) 2 plus its page size
 * times a node's cost, its `nodes`, `edges` and `pageInfo` only wrap; a list asked for by
 * `ids`/`names` costs each element; a mutation 10 per field.
 */
export function estimateQueryCost(document: string, values: object = {}): number {
  const variables = values as Variables;
  const { operation, fragments } = parseOnce(document);
  if (operation.operation === "mutation") {
    return operation.selectionSet.selections.length * mutationFieldCost;
  }
  const cost = (selectionSet: SelectionSetNode | undefined, inConnection: boolean): number => {
    let total = 0;
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        total += cost(fragments.get(selection.name.value)?.selectionSet, inConnection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += cost(selection.selectionSet, inConnection);
      } else if (selection.selectionSet) {
        const name = selection.name.value;
        const argument = (arg: string) => {
          const node = selection.arguments?.find((a) => a.name.value === arg)?.value;
          return node ? argumentValue(node, variables) : undefined;
        };
        const pageSize = argument("first") ?? argument("last");
        const list = argument("ids") ?? argument("names");
        if (inConnection && (name === "edges" || name === "pageInfo")) {
          total += cost(selection.selectionSet, false);
        } else if (typeof pageSize === "number") {
          total += 2 + pageSize * cost(selection.selectionSet, true);
        } else {
          const count = Array.isArray(list) ? list.length : 1;
          total += count * (1 + cost(selection.selectionSet, false));
        }
      }
    }
    return total;
  };
  return cost(operation.selectionSet, false);
}

function parseOnce(document: string): Parsed {
  let entry = parsed.get(document);
  if (!entry) {
    const definitions: readonly DefinitionNode[] = parse(document).definitions;
    const operation = definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (!operation) throw new Error("the document has no operation");
    const fragments = new Map(
      definitions
        .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((d) => [d.name.value, d]),
    );
    entry = { operation, fragments };
    parsed.set(document, entry);
  }
  return entry;
}

function argumentValue(value: ValueNode, variables: Variables): unknown {
  switch (value.kind) {
    case Kind.VARIABLE:
      return variables[value.name.value];
    case Kind.INT:
      return Number(value.value);
    case Kind.LIST:
      return value.values.map((item) => argumentValue(item, variables));
    default:
      return undefined;
  }
}
