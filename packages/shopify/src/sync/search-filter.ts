import { Kind, parse, print, visit } from "graphql";

/**
 * The bulk query with `query: "<search>"` on its top-level connection. Bulk queries cannot take
 * variables, so a filter has to be written into the (already validated) document itself.
 */
export function withSearchFilter(document: string, search: string): string {
  const argument = {
    kind: Kind.ARGUMENT,
    name: { kind: Kind.NAME, value: "query" },
    value: { kind: Kind.STRING, value: search },
  } as const;
  return print(
    visit(parse(document), {
      OperationDefinition(operation) {
        const [root, ...rest] = operation.selectionSet.selections;
        if (root?.kind !== Kind.FIELD) throw new Error("a bulk query starts with its connection");
        const filtered = { ...root, arguments: [...(root.arguments ?? []), argument] };
        return {
          ...operation,
          selectionSet: { ...operation.selectionSet, selections: [filtered, ...rest] },
        };
      },
    }),
  );
}
