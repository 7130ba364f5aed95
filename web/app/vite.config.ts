import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The web host (web/AgentLink.Web) serves the build from its wwwroot: index.html plus hashed
// files under /assets. `npm run dev` serves the app with hot reload and forwards /api and
// /events to a stack started by infra/run.sh.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "../AgentLink.Web/wwwroot",
    emptyOutDir: true,
    sourcemap: true,
    // No inline module-preload polyfill: the page's policy allows scripts from files only.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      "/api": "http://localhost:8080",
      "/events": { target: "http://localhost:8080", changeOrigin: true },
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
  },
});
