import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { loadAdminSchema } from "../admin-schema.ts";
import * as documents from "./index.ts";

describe("GraphQL documents", () => {
  const schema = loadAdminSchema();

  it.each(Object.entries(documents))(
    "%s is valid against the Admin API 2026-10 schema",
    (_, doc) => {
      expect(validate(schema, parse(doc)).map((error) => error.message)).toEqual([]);
    },
  );

  it("catches a misspelled field (the check can fail)", () => {
    const misspelled = documents.connectionTestQuery.replace("myshopifyDomain", "myShopifyDomain");
    expect(validate(schema, parse(misspelled))).not.toHaveLength(0);
  });
});
