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
  globalIgnores([".next/**", ".dev/**", "node_modules/**", "test-results/**", "playwright-report/**", "next-env.d.ts"]),
]);
