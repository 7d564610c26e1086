import type Stripe from "stripe";
import { checkoutReturnUrls } from "@/lib/billing/checkout-urls";

export type CheckoutPlan = { companyId: string; customerId: string; priceId: string; trialDays: number | null };
export type CheckoutSwitches = { automaticTax: boolean; taxIdCollection: boolean };

/**
 * What Stripe is asked for (README "The Checkout Session"). Never payment_method_types: the
 * Dashboard's settings decide, and the pinned API version no longer takes it. With automatic
 * tax Checkout must be allowed to save the address it asks for, with tax ID collection the
 * business name, or Stripe refuses the session for a customer that has neither.
 */
export function checkoutSessionParams(
  plan: CheckoutPlan,
  returnUrl: string,
  switches: CheckoutSwitches,
): Stripe.Checkout.SessionCreateParams {
  const { successUrl, cancelUrl } = checkoutReturnUrls(returnUrl);
  const companyMetadata = { company_id: plan.companyId };
  const customerUpdate = {
    ...(switches.automaticTax && { address: "auto" as const }),
    ...(switches.taxIdCollection && { name: "auto" as const }),
  };
  return {
    mode: "subscription",
    customer: plan.customerId,
    client_reference_id: plan.companyId,
    line_items: [{ price: plan.priceId, quantity: 1 }],
    success_url: successUrl,
    cancel_url: cancelUrl,
    allow_promotion_codes: true,
    metadata: companyMetadata,
    subscription_data: {
      metadata: companyMetadata,
      ...(plan.trialDays && { trial_period_days: plan.trialDays }),
    },
    ...(switches.automaticTax && { automatic_tax: { enabled: true } }),
    ...(switches.taxIdCollection && { tax_id_collection: { enabled: true } }),
    ...(Object.keys(customerUpdate).length > 0 && { customer_update: customerUpdate }),
  };
}
