import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from "graphql";

export interface CollectedField {
  node: FieldNode;
  def: GraphQLField<unknown, unknown>;
  responseKey: string;
  /** The type condition of the fragment the field came from, if it narrowed the parent. */
  condition: string | null;
}

/** The fields of a selection set, fragments expanded (`__typename` and unknown fields skipped). */
export function collectFields(
  schema: GraphQLSchema,
  selectionSet: SelectionSetNode,
  parentType: GraphQLCompositeType,
  fragments: Record<string, FragmentDefinitionNode>,
  condition: string | null = null,
  out: CollectedField[] = [],
): CollectedField[] {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const def =
        "getFields" in parentType ? parentType.getFields()[selection.name.value] : undefined;
      if (def) {
        out.push({
          node: selection,
          def,
          responseKey: selection.alias?.value ?? selection.name.value,
          condition,
        });
      }
      continue;
    }
    const fragment =
      selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
    if (!fragment) continue;
    const typeName = fragment.typeCondition?.name.value;
    const narrowed = typeName ? schema.getType(typeName) : parentType;
    if (!narrowed || !isCompositeType(narrowed)) continue;
    const nextCondition = narrowed === parentType ? condition : narrowed.name;
    collectFields(schema, fragment.selectionSet, narrowed, fragments, nextCondition, out);
  }
  return out;
}

/** `…Connection` types with `pageInfo` are paged; `…Edge` and `PageInfo` only wrap. */
export function isConnectionType(type: GraphQLNamedType): boolean {
  return isObjectType(type) && type.name.endsWith("Connection") && "pageInfo" in type.getFields();
}

export function isWrapperType(type: GraphQLNamedType): boolean {
  return (
    isConnectionType(type) ||
    type.name === "PageInfo" ||
    (isObjectType(type) && type.name.endsWith("Edge") && "cursor" in type.getFields())
  );
}

export function namedType(def: GraphQLField<unknown, unknown>): GraphQLNamedType {
  return getNamedType(def.type);
}
