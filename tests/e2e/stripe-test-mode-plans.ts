// The plan the Stripe test-mode project subscribes to: one product with a monthly and a yearly
// price, made through the API the first time and found again afterwards (the product by its
// metadata, the prices by lookup key), so repeated runs add nothing. The stand-in tests run it too.
import type Stripe from "stripe";

export const E2E_PURPOSE = "manage-billing-e2e";

export const E2E_PLANS = {
  name: "Manage Billing e2e Pro",
  description: "The plan the e2e suite subscribes to in Stripe test mode",
  features: ["Unlimited projects", "Priority support"],
  monthly: { lookupKey: "manage_billing_e2e_pro_monthly", amount: 4900, interval: "month" as const },
  yearly: { lookupKey: "manage_billing_e2e_pro_yearly", amount: 49000, interval: "year" as const },
};

export type E2ePlans = { productId: string; monthly: string; yearly: string };

async function findProduct(stripe: Stripe): Promise<Stripe.Product | undefined> {
  for await (const product of stripe.products.list({ active: true, limit: 100 }))
    if (product.metadata.purpose === E2E_PURPOSE) return product;
  return undefined;
}

export async function ensureTestModePlans(stripe: Stripe): Promise<E2ePlans> {
  const product =
    (await findProduct(stripe)) ??
    (await stripe.products.create({
      name: E2E_PLANS.name,
      description: E2E_PLANS.description,
      marketing_features: E2E_PLANS.features.map((name) => ({ name })),
      metadata: { purpose: E2E_PURPOSE },
    }));
  const wanted = [E2E_PLANS.monthly, E2E_PLANS.yearly];
  const existing = await stripe.prices.list({ lookup_keys: wanted.map((w) => w.lookupKey), active: true });
  const [monthly, yearly] = await Promise.all(
    wanted.map(async (w) => {
      const found = existing.data.find((p) => p.lookup_key === w.lookupKey && p.product === product.id);
      if (found) return found.id;
      // A key still on some other product (an archived e2e product) moves to this one.
      const made = await stripe.prices.create({
        product: product.id,
        currency: "usd",
        unit_amount: w.amount,
        recurring: { interval: w.interval },
        lookup_key: w.lookupKey,
        transfer_lookup_key: true,
        metadata: { purpose: E2E_PURPOSE },
      });
      return made.id;
    }),
  );
  return { productId: product.id, monthly: monthly!, yearly: yearly! };
}
