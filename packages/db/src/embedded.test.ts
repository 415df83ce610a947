import { mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { letOthersTraverse } from "./embedded.ts";

describe("letOthersTraverse", () => {
  it("adds only the traverse bit for others to the folders above a path", () => {
    const top = mkdtempSync(join(tmpdir(), "roestify-traverse-"));
    const data = join(top, "checkout", ".data", "postgres");
    mkdirSync(data, { recursive: true, mode: 0o700 });
    letOthersTraverse(data);
    const mode = (dir: string) => statSync(dir).mode & 0o777;
    expect(mode(top)).toBe(0o701);
    expect(mode(join(top, "checkout", ".data"))).toBe(0o701);
    // The path itself is left as it is: PostgreSQL owns its data folder.
    expect(mode(data)).toBe(0o700);
  });
});
