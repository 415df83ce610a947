import { defineConfig } from "vitest/config";

export default defineConfig({
  // Without the `development` condition: the workspace then imports the same graphql build as
  // graphql-jit, which Node loads itself (two builds would be two "realms" to graphql).
  // `test`: the packages' test helpers (`@roestify/*/testing`) resolve only here, never in production.
  ssr: { resolve: { conditions: ["module", "node", "test"] } },
  test: {
    include: ["{apps,packages}/*/src/**/*.test.ts", "scripts/**/*.test.ts"],
    // One throwaway PostgreSQL cluster per run; each test file gets its own database.
    globalSetup: ["packages/db/src/testing/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
