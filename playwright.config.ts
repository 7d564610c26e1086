import { chromium, defineConfig, devices } from "@playwright/test";
import { existsSync, readFileSync } from "node:fs";
import { LOCAL_CRON_SECRET, localStackEnv } from "./dev/local-stack";
import {
  appUrl,
  badConfigPort,
  badConfigUrl,
  ports,
  realStripeTestMode,
  STRIPE_TEST_MODE_FILE,
  UNKNOWN_PORTAL_CONFIG,
} from "./tests/e2e/stack";

// Playwright's own Chromium when installed (`npx playwright install chromium`), else the
// system's (CHROMIUM_PATH or Debian's /usr/bin/chromium), for machines that can't download it.
function chromiumPath(): string | undefined {
  if (existsSync(chromium.executablePath())) return undefined;
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

// In Stripe test mode the app uses the portal configuration the setup script made.
const testModeConfig: Record<string, string> =
  realStripeTestMode && existsSync(STRIPE_TEST_MODE_FILE)
    ? {
        STRIPE_PORTAL_CONFIG_ID: (
          JSON.parse(readFileSync(STRIPE_TEST_MODE_FILE, "utf8")) as { configurationId: string }
        ).configurationId,
      }
    : {};

if (!realStripeTestMode)
  console.log(
    "[e2e] stripe-test-mode project skipped: STRIPE_SECRET_KEY is not a real sk_test_ key (or STRIPE_API_BASE points at a stand-in).",
  );
else
  console.log(
    "[e2e] local project skipped: STRIPE_SECRET_KEY is a real test key, so the Stripe stand-in (and its counters) is not running.",
  );

export default defineConfig({
  testDir: "tests/e2e",
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  // The stand-ins and the database are shared state, reset before each test: one test at a time.
  workers: 1,
  fullyParallel: false,
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  timeout: 30_000,
  use: {
    baseURL: appUrl,
    trace: "on-first-retry",
    launchOptions: { executablePath: chromiumPath() },
  },
  projects: [
    // Signs the demo users in once; the local suite starts from their saved state (tests/e2e/fixtures.ts).
    { name: "setup", testMatch: /signed-in\.setup\.ts/, use: { ...devices["Desktop Chrome"] } },
    {
      name: "local",
      testIgnore: /stripe-test-mode/,
      dependencies: ["setup"],
      use: { ...devices["Desktop Chrome"] },
    },
    { name: "stripe-test-mode", testMatch: /stripe-test-mode\.spec\.ts/, use: { ...devices["Desktop Chrome"] } },
  ],
  webServer: [
    {
      command: "node dev/start.ts --next=start --quiet",
      url: `${appUrl}/login`,
      reuseExistingServer: !process.env.CI,
      timeout: 180_000,
      stdout: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
      env: {
        PORT: String(ports.app),
        DEV_POSTGRES_PORT: String(ports.postgres),
        DEV_AUTH_PORT: String(ports.auth),
        DEV_STRIPE_PORT: String(ports.stripe),
        // What tests/e2e/reconcile.spec.ts sends as Vercel Cron would.
        CRON_SECRET: LOCAL_CRON_SECRET,
        ...testModeConfig,
      },
    },
    ...(realStripeTestMode
      ? []
      : [
          {
            // Same build, same stand-ins, but STRIPE_PORTAL_CONFIG_ID names a configuration Stripe doesn't have.
            command: `node node_modules/next/dist/bin/next start -p ${badConfigPort}`,
            url: `${badConfigUrl}/login`,
            reuseExistingServer: !process.env.CI,
            timeout: 60_000,
            env: { ...localStackEnv({ ...ports, app: badConfigPort }), STRIPE_PORTAL_CONFIG_ID: UNKNOWN_PORTAL_CONFIG },
          },
        ]),
  ],
});
