/**
 * Shopify runs graphql-ruby, whose messages and codes differ from graphql-js'. The common
 * validation errors are rewritten to Shopify's wording so clients see what Shopify sends.
 */
import type { GraphQLError, GraphQLFormattedError } from "graphql";

type Rewrite = (match: RegExpExecArray) => { message: string; extensions: Record<string, unknown> };

const rewrites: [RegExp, Rewrite][] = [
  [
    /^Cannot query field "(.+?)" on type "(.+?)"\./,
    ([, field, type]) => ({
      message: `Field '${field}' doesn't exist on type '${type}'`,
      extensions: { code: "undefinedField", typeName: type, fieldName: field },
    }),
  ],
  [
    /^Unknown argument "(.+?)" on field "(?:.+?)\.(.+?)"\./,
    ([, argument, field]) => ({
      message: `Field '${field}' doesn't accept argument '${argument}'`,
      extensions: {
        code: "argumentNotAccepted",
        name: field,
        typeName: "Field",
        argumentName: argument,
      },
    }),
  ],
  [
    /^Argument "(?:.+?)\.(.+?)\((.+?):\)" of type "(?:.+?)" is required, but it was not provided\./,
    ([, field, argument]) => ({
      message: `Field '${field}' is missing required arguments: ${argument}`,
      extensions: {
        code: "missingRequiredArguments",
        className: "Field",
        name: field,
        arguments: argument,
      },
    }),
  ],
  [
    /^Field "(.+?)" of type "(.+?)" must have a selection of subfields/,
    ([, field, type]) => ({
      message: `Field must have selections (field '${field}' returns ${type?.replace(/!$/, "")} but has no selections. Did you mean '${field} { ... }'?)`,
      extensions: {
        code: "selectionMismatch",
        nodeName: `field '${field}'`,
        typeName: type?.replace(/!$/, ""),
      },
    }),
  ],
  [
    /^Field "(.+?)" must not have a selection since type "(.+?)" has no subfields\./,
    ([, field, type]) => ({
      message: `Selections can't be made on scalars (field '${field}' returns ${type?.replace(/!$/, "")} but has selections)`,
      extensions: {
        code: "selectionMismatch",
        nodeName: `field '${field}'`,
        typeName: type?.replace(/!$/, ""),
      },
    }),
  ],
  [
    /^Unknown type "(.+?)"\./,
    ([, type]) => ({
      message: `No such type ${type}, so it can't be a fragment condition`,
      extensions: { code: "undefinedType", typeName: type },
    }),
  ],
  [
    /^Variable "\$(.+?)" is never used in operation "(.+?)"\./,
    ([, variable, operation]) => ({
      message: `Variable $${variable} is declared by ${operation} but not used`,
      extensions: { code: "variableNotUsed", variableName: variable },
    }),
  ],
  [
    /^Variable "\$(.+?)" is not defined by operation "(.+?)"\./,
    ([, variable, operation]) => ({
      message: `Variable $${variable} is used by ${operation} but not declared`,
      extensions: { code: "variableNotDefined", variableName: variable },
    }),
  ],
  [
    /^Syntax Error: (.*)$/s,
    ([, detail]) => ({ message: `syntax error, ${detail}`, extensions: { code: "parseError" } }),
  ],
];

/** A parse or validation error as Shopify formats it. */
export function formatRequestError(error: GraphQLError): GraphQLFormattedError {
  const json = error.toJSON();
  for (const [pattern, rewrite] of rewrites) {
    const match = pattern.exec(error.message);
    if (match) return { ...json, ...rewrite(match) };
  }
  return { ...json, extensions: { code: "GRAPHQL_VALIDATION_FAILED", ...json.extensions } };
}
