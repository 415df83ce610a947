import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{apps,packages}/*/src/**/*.test.ts", "scripts/**/*.test.ts"],
    // One throwaway PostgreSQL cluster per run; each test file gets its own database.
    globalSetup: ["packages/db/src/testing/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
