import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL(".", import.meta.url)),
      "server-only": fileURLToPath(new URL("./tests/server-only-stub.ts", import.meta.url)),
    },
  },
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts", "tests/stand-ins/**/*.test.ts"],
    testTimeout: 30_000,
    // Server logs of passing tests are noise; a failing test still shows its own.
    silent: "passed-only",
    hookTimeout: 60_000,
  },
});
