import { defineConfig } from "vite";

// Served by apps/web under /dashboard; the server reads dist/index.html, the assets are static.
export default defineConfig({
  base: "/dashboard/",
  oxc: { jsx: { runtime: "automatic" } },
  logLevel: "warn",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rolldownOptions: {
      onwarn(warning, warn) {
        // React Query marks its modules "use client" for server components, which this app has none of.
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
});
