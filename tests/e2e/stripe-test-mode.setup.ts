// Prepares real Stripe test mode for the stripe-test-mode e2e project: a test customer for
// Acme Inc, a Customer Portal configuration, and a product with a monthly and a yearly price to
// subscribe to, all created through the API (found again by metadata or lookup key on later
// runs, so nothing piles up). Runs before Playwright (`npm run test:e2e`), so the app's start
// (billing:sync) already lists the plan; without a real sk_test_ key it says why it skips.
import Stripe from "stripe";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { STRIPE_TEST_MODE_FILE } from "./stack.ts";
import { E2E_PURPOSE, ensureTestModePlans } from "./stripe-test-mode-plans.ts";

const key = process.env.STRIPE_SECRET_KEY ?? "";
if (!/^(sk|rk)_test_/.test(key) || process.env.STRIPE_API_BASE) {
  console.log(
    "[stripe-test-mode] skipped: set STRIPE_SECRET_KEY to a real sk_test_ key (and leave STRIPE_API_BASE unset) to run the owner flow against Stripe test mode.",
  );
  await rm(STRIPE_TEST_MODE_FILE, { force: true });
} else {
  const stripe = new Stripe(key, { apiVersion: "2026-10-28.endive", maxNetworkRetries: 2 });
  const email = "e2e-acme@manage-billing.test";
  const existing = await stripe.customers.list({ email, limit: 1 });
  const customer =
    existing.data[0] ??
    (await stripe.customers.create({
      email,
      name: "Acme Inc (Manage Billing e2e)",
      metadata: { company_id: "22222222-2222-4222-8222-000000000001", purpose: E2E_PURPOSE },
    }));

  let configuration: Stripe.BillingPortal.Configuration | undefined;
  for await (const c of stripe.billingPortal.configurations.list({ active: true, limit: 100 })) {
    if (c.metadata?.purpose === E2E_PURPOSE) {
      configuration = c;
      break;
    }
  }
  configuration ??= await stripe.billingPortal.configurations.create({
    business_profile: { headline: "Manage Billing e2e" },
    features: {
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      customer_update: { enabled: true, allowed_updates: ["email", "address"] },
    },
    metadata: { purpose: E2E_PURPOSE },
  });

  const plans = await ensureTestModePlans(stripe);

  await mkdir(path.dirname(STRIPE_TEST_MODE_FILE), { recursive: true });
  await writeFile(
    STRIPE_TEST_MODE_FILE,
    JSON.stringify({ customerId: customer.id, configurationId: configuration.id, plans }, null, 2),
  );
  console.log(
    `[stripe-test-mode] customer ${customer.id}, portal configuration ${configuration.id}, plan ${plans.productId} (${plans.monthly} monthly, ${plans.yearly} yearly)`,
  );
}
