// The owner flows against real Stripe test mode. Runs only with a real sk_test_ key and no
// stand-in; tests/e2e/stripe-test-mode.setup.ts has made the customer, the portal configuration
// and the plan (a product with a monthly and a yearly price) before the app started.
import { expect, test, type Page } from "@playwright/test";
import { existsSync, readFileSync } from "node:fs";
import postgres from "postgres";
import Stripe from "stripe";
import { localStackEnv } from "../../dev/local-stack.ts";
import { ports, realStripeTestMode, STRIPE_TEST_MODE_FILE } from "./stack";
import { E2E_PLANS, type E2ePlans } from "./stripe-test-mode-plans";
import { companies, signIn } from "./support";

test.skip(!realStripeTestMode, "needs STRIPE_SECRET_KEY=sk_test_… (a real test-mode key) and no STRIPE_API_BASE");

type Prepared = { customerId: string; configurationId: string; plans: E2ePlans };
const prepared = (): Prepared => JSON.parse(readFileSync(STRIPE_TEST_MODE_FILE, "utf8")) as Prepared;
const databaseUrl = process.env.DATABASE_URL ?? localStackEnv(ports).DATABASE_URL!;

test.beforeEach(() => {
  test.skip(!existsSync(STRIPE_TEST_MODE_FILE), "run `npm run test:e2e`, which runs the setup script first");
});

test("owner → Manage Billing → Stripe's hosted Customer Portal", async ({ page }) => {
  const { customerId } = prepared();
  // Link Acme Inc to the real test customer in the database the app under test reads.
  const sql = postgres(databaseUrl, { max: 1 });
  await sql`update public.companies set stripe_customer_id = ${customerId} where id = ${companies.acme.id}`;
  await sql.end();

  await signIn(page, "owner@acme.test");
  await page.getByRole("button", { name: "Manage Billing" }).click();
  await page.waitForURL(/^https:\/\/billing\.stripe\.com\/p\/session\//, { timeout: 20_000 });
  expect(new URL(page.url()).host).toBe("billing.stripe.com");
});

/**
 * Stripe's hosted Checkout page is Stripe's, not ours: its fields are found by the names Stripe
 * gives them (cardNumber, cardExpiry, cardCvc, billingName; the stand-in uses the same), and the
 * parts that depend on the account's settings (a payment-method accordion, a postal code) only
 * when they are there.
 */
async function payOnStripeCheckout(page: Page, number: string) {
  await page.waitForURL(/^https:\/\/checkout\.stripe\.com\//, { timeout: 30_000 });
  const card = page.locator('input[name="cardNumber"]');
  const accordion = page.getByTestId("card-accordion-item-button");
  await expect(card.or(accordion).first()).toBeVisible({ timeout: 30_000 });
  if (!(await card.isVisible())) await accordion.click();
  await card.fill(number);
  await page.locator('input[name="cardExpiry"]').fill("12 / 34");
  await page.locator('input[name="cardCvc"]').fill("123");
  await page.locator('input[name="billingName"]').fill("Ian Initech");
  const postal = page.locator('input[name="billingPostalCode"]');
  if (await postal.isVisible()) await postal.fill("10001");
  await page.getByTestId("hosted-payment-submit-button").click();
}

test("Initech's owner subscribes through Stripe Checkout with 4242 and is back on /billing as Active", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const key = process.env.STRIPE_SECRET_KEY!;
  const stripe = new Stripe(key, { apiVersion: "2026-10-28.endive", maxNetworkRetries: 2 });
  const sql = postgres(databaseUrl, { max: 1 });
  try {
    await signIn(page, "owner@initech.test");
    await page.getByRole("button", { name: `Choose ${E2E_PLANS.name} · $49.00 / month` }).click();
    await payOnStripeCheckout(page, "4242424242424242");
    await page.waitForURL(/\/billing\?company=.*checkout_session=cs_test_/, { timeout: 60_000 });
    // No webhook reaches a local app without `stripe listen`: what shows was written by the return.
    await expect(page.getByTestId("subscription-status")).toHaveText("Active");
    await expect(page.getByTestId("plan")).toContainText(E2E_PLANS.name);
  } finally {
    // Leave the test account as it was: the customer the click made, and its subscription, go.
    const [row] = await sql<{ customer: string | null }[]>`
      select stripe_customer_id as customer from public.companies where id = ${companies.initech.id}`;
    if (row?.customer) {
      await stripe.customers.del(row.customer);
      await sql`update public.companies set stripe_customer_id = null where id = ${companies.initech.id}`;
    }
    await sql.end();
  }
});
