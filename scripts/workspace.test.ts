import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

const manifests = (folder: string) =>
  readdirSync(join(root, folder)).map((name) => {
    const manifest = JSON.parse(readFileSync(join(root, folder, name, "package.json"), "utf8"));
    const dependencies: string[] = Object.keys({
      ...manifest.dependencies,
      ...manifest.devDependencies,
    });
    return { name: manifest.name as string, dependencies };
  });

const apps = manifests("apps");
const appNames = new Set(apps.map((app) => app.name));

/** "a → b" for each dependency of these packages on an app. */
const onApps = (packages: ReturnType<typeof manifests>) =>
  packages.flatMap((pkg) =>
    pkg.dependencies.filter((name) => appNames.has(name)).map((name) => `${pkg.name} → ${name}`),
  );

// Apps are deployed on their own: what two of them share belongs in a package.
describe("the workspace", () => {
  it("has no app depending on another app", () => {
    expect(appNames.size).toBeGreaterThan(1);
    expect(onApps(apps)).toEqual([]);
  });

  it("has no package depending on an app", () => {
    expect(onApps(manifests("packages"))).toEqual([]);
  });
});
