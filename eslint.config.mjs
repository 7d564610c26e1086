import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import { defineConfig, globalIgnores } from "eslint/config";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    // dev/ holds the local stand-ins; the app must never import them.
    files: ["app/**", "lib/**", "proxy.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/dev/**", "@/dev/**"], message: "App code must not know the local stand-ins exist." },
          ],
        },
      ],
    },
  },
  {
    // The reset fixture runs only for specs that take `test` from ./fixtures.
    files: ["tests/e2e/**/*.spec.ts"],
    ignores: ["tests/e2e/stripe-test-mode.spec.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@playwright/test",
              importNames: ["test"],
              message: "Import test from ./fixtures: it starts every test from a known state.",
            },
          ],
        },
      ],
    },
  },
  globalIgnores([".next/**", ".dev/**", "node_modules/**", "test-results/**", "playwright-report/**", "next-env.d.ts"]),
]);
