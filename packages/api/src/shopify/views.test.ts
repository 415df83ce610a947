import pg from "pg";
import { describe, expect, it } from "vitest";
import { isoOfTimestamptz } from "./views.ts";

const viaDate = (text: string) =>
  (pg.types.getTypeParser(1184, "text")(text) as Date).toISOString();

describe("isoOfTimestamptz", () => {
  it("writes what toISOString of pg's Date writes, for UTC sessions and any other", () => {
    const texts = [
      "2026-12-06 13:16:56.123456+00",
      "2026-12-06 13:16:56.999999+00",
      "2026-12-06 13:16:56.5+00",
      "2026-12-06 13:16:56.000001+00",
      "2026-12-06 13:16:56+00",
      "2026-12-06 13:16:56.123456+01",
      "2026-12-06 13:16:56.123456+05:30",
      "2026-12-06 00:16:56-03",
    ];
    for (const text of texts) expect(isoOfTimestamptz(text), text).toBe(viaDate(text));
    expect(isoOfTimestamptz("2026-12-06 13:16:56.123456+00")).toBe("2026-12-06T13:16:56.123Z");
  });
});
