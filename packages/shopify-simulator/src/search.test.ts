import { describe, expect, it } from "vitest";
import { compileSearch, type SearchFields } from "./search.ts";

interface Row {
  num: number;
  title: string;
  status: string;
  tags: string[];
  updatedAt: string;
}

const spec: SearchFields<Row> = {
  text: (r) => r.title,
  fields: {
    id: { kind: "number", get: (r) => r.num },
    title: { kind: "text", get: (r) => r.title },
    status: { kind: "keyword", get: (r) => r.status },
    tag: { kind: "keyword", get: (r) => r.tags },
    updated_at: { kind: "date", get: (r) => r.updatedAt },
  },
};

const rows: Row[] = [
  {
    num: 1,
    title: "Brasil Cerrado",
    status: "ACTIVE",
    tags: ["Espresso"],
    updatedAt: "2026-11-25T23:59:59Z",
  },
  { num: 2, title: "Äthiopien Guji", status: "DRAFT", tags: [], updatedAt: "2026-11-26T10:00:00Z" },
  {
    num: 3,
    title: "Kenia Nyeri",
    status: "ARCHIVED",
    tags: ["Filter"],
    updatedAt: "2026-11-26T10:00:01Z",
  },
];

const matching = (query: string) =>
  rows.filter(compileSearch(query, spec).matches).map((r) => r.num);

describe("search syntax", () => {
  it("compares dates with quoted and bare values", () => {
    expect(matching("updated_at:>'2026-11-26T10:00:00Z'")).toEqual([3]);
    expect(matching("updated_at:>=2026-11-26T10:00:00Z")).toEqual([2, 3]);
    expect(matching('updated_at:<"2026-11-26T10:00:00Z"')).toEqual([1]);
    expect(matching("updated_at:2026-11-26")).toEqual([2, 3]);
    expect(matching("updated_at:>2026-11-25")).toEqual([2, 3]);
  });

  it("combines terms with AND, OR, NOT and -", () => {
    expect(matching("id:>1 AND status:draft")).toEqual([2]);
    expect(matching("id:>1 status:draft")).toEqual([2]);
    expect(matching("status:active OR tag:filter")).toEqual([1, 3]);
    expect(matching("-status:active")).toEqual([2, 3]);
    expect(matching("NOT status:active id:<3")).toEqual([2]);
    expect(matching("status:active,draft")).toEqual([1, 2]);
  });

  it("matches text fields, free text, prefixes and presence", () => {
    expect(matching("title:guji")).toEqual([2]);
    expect(matching("kenia")).toEqual([3]);
    expect(matching("'brasil cerrado'")).toEqual([1]);
    expect(matching("title:Ken*")).toEqual([3]);
    expect(matching("tag:*")).toEqual([1, 3]);
  });

  it("warns about and ignores unknown fields and invalid values", () => {
    const search = compileSearch("colour:red id:>2 updated_at:>yesterdayish", spec);
    expect(rows.filter(search.matches).map((r) => r.num)).toEqual([3]);
    expect(search.warnings.map((w) => w.field)).toEqual(["colour", "updated_at"]);
  });
});
