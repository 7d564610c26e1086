import path from "node:path";

// Ports of the stack that dev/start.ts brings up for the e2e run (apart from a running demo's).
// E2E_PORT_OFFSET moves them all, so that two checkouts can run their suites side by side.
const offset = Number(process.env.E2E_PORT_OFFSET ?? 0);
if (!Number.isInteger(offset) || offset < 0 || offset > 10_000)
  throw new Error("E2E_PORT_OFFSET must be a whole number from 0 to 10000");
export const ports = {
  app: 3100 + offset,
  postgres: 54332 + offset,
  auth: 54331 + offset,
  stripe: 12121 + offset,
} as const;
/** A second Next on the same stack, configured with a portal configuration Stripe doesn't have. */
export const badConfigPort = 3101 + offset;
export const badConfigUrl = `http://localhost:${badConfigPort}`;
export const UNKNOWN_PORTAL_CONFIG = "bpc_DoesNotExist0000000000";

export const appUrl = `http://localhost:${ports.app}`;
export const stripeUrl = `http://127.0.0.1:${ports.stripe}`;
export const authUrl = `http://127.0.0.1:${ports.auth}`;

/** A real sk_test_ key and no stand-in: the stripe-test-mode project runs, the local one can't. */
export const realStripeTestMode =
  /^(sk|rk)_test_/.test(process.env.STRIPE_SECRET_KEY ?? "") && !process.env.STRIPE_API_BASE;

/** Written by stripe-test-mode.setup.ts: the test customer and portal configuration it made. */
export const STRIPE_TEST_MODE_FILE = path.join(import.meta.dirname, "..", "..", ".dev", "stripe-test-mode.json");
