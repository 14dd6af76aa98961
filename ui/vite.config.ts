// Vite config of the Comanda web UI: Svelte 5, relative asset paths (served at `/` by the
// Rust server or inside the Tauri webview), and a dev proxy for the API and its WebSocket.
import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

const backend = process.env.COMANDA_API ?? "http://127.0.0.1:8787";

export default defineConfig({
  base: "./",
  plugins: [svelte()],
  server: {
    proxy: {
      "/api": { target: backend, changeOrigin: true, ws: true },
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
