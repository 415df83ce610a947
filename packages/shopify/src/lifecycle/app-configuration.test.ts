import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { complianceTopics } from "./topics.ts";

const toml = readFileSync(new URL("../../../../shopify.app.toml", import.meta.url), "utf8");

/** The `[[webhooks.subscriptions]]` tables of the app configuration, as key → raw value. */
const subscriptions = toml
  .split("[[webhooks.subscriptions]]")
  .slice(1)
  .map((table) =>
    Object.fromEntries(
      [...table.matchAll(/^(\w+)\s*=\s*(.+)$/gm)].map(([, key, value]) => [key, value?.trim()]),
    ),
  );

describe("shopify.app.toml", () => {
  it("declares the compliance topics and app/uninstalled at the webhook route, one address", () => {
    const compliance = subscriptions.find((table) => table.compliance_topics);
    const uninstalled = subscriptions.find((table) => table.topics?.includes("app/uninstalled"));
    expect(JSON.parse(compliance?.compliance_topics ?? "[]").sort()).toEqual(
      [...complianceTopics].sort(),
    );
    expect(compliance?.uri).toMatch(/\/api\/v1\/shopify\/webhooks"$/);
    expect(uninstalled?.uri).toBe(compliance?.uri);
    expect(toml).toMatch(/api_version = "2026-10"/);
  });
});
