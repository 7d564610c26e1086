// The owner flow against real Stripe test mode. Runs only with a real sk_test_ key and no
// stand-in; tests/e2e/stripe-test-mode.setup.ts has made the customer and configuration.
import { expect, test } from "@playwright/test";
import { existsSync, readFileSync } from "node:fs";
import postgres from "postgres";
import { localStackEnv } from "../../dev/local-stack.ts";
import { ports, realStripeTestMode, STRIPE_TEST_MODE_FILE } from "./stack";
import { companies, signIn } from "./support";

test.skip(!realStripeTestMode, "needs STRIPE_SECRET_KEY=sk_test_… (a real test-mode key) and no STRIPE_API_BASE");

test("owner → Manage Billing → Stripe's hosted Customer Portal", async ({ page }) => {
  test.skip(!existsSync(STRIPE_TEST_MODE_FILE), "run `npm run test:e2e`, which runs the setup script first");
  const { customerId } = JSON.parse(readFileSync(STRIPE_TEST_MODE_FILE, "utf8")) as { customerId: string };
  // Link Acme Inc to the real test customer in the database the app under test reads.
  const sql = postgres(process.env.DATABASE_URL ?? localStackEnv(ports).DATABASE_URL!, { max: 1 });
  await sql`update public.companies set stripe_customer_id = ${customerId} where id = ${companies.acme.id}`;
  await sql.end();

  await signIn(page, "owner@acme.test");
  await page.getByRole("button", { name: "Manage Billing" }).click();
  await page.waitForURL(/^https:\/\/billing\.stripe\.com\/p\/session\//, { timeout: 20_000 });
  expect(new URL(page.url()).host).toBe("billing.stripe.com");
});
