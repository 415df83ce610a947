import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

/** Shopify's own introspection of the Admin GraphQL API 2026-10, vendored unchanged. */
export const adminSchemaPath = new URL("../schema/admin-2026-10.schema.json.gz", import.meta.url);

let cached: GraphQLSchema | undefined;

export function loadAdminSchema(): GraphQLSchema {
  if (!cached) {
    const json = JSON.parse(gunzipSync(readFileSync(adminSchemaPath)).toString("utf8")) as {
      data: IntrospectionQuery;
    };
    // Shopify's schema breaks a rule graphql-js 17 added (deprecated implementations of
    // non-deprecated interface fields); Shopify serves it as it is, so it is taken as valid.
    cached = buildClientSchema(json.data, { assumeValid: true });
  }
  return cached;
}
