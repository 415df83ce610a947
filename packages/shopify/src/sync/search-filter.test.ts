import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { loadAdminSchema } from "../admin-schema.ts";
import { ordersBulkQuery } from "../documents/index.ts";
import { withSearchFilter } from "./search-filter.ts";

describe("withSearchFilter", () => {
  it("writes the filter into the bulk query's connection, which stays valid", () => {
    const filtered = withSearchFilter(ordersBulkQuery, `updated_at:>='2026-11-26T10:00:00Z'`);
    expect(filtered).toContain(`orders(query: "updated_at:>='2026-11-26T10:00:00Z'")`);
    expect(validate(loadAdminSchema(), parse(filtered))).toEqual([]);
  });

  it("escapes what the filter contains", () => {
    expect(withSearchFilter(ordersBulkQuery, 'name:"#1001"')).toContain(
      `query: "name:\\"#1001\\""`,
    );
  });
});
