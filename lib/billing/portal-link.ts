import "server-only";
import { randomUUID } from "node:crypto";
import type { Claims } from "@/lib/auth";
import { env } from "@/lib/env";
import type { BillingFailure } from "@/lib/billing/errors";
import { flowApplies, flowData, type SubscriptionOnFile } from "@/lib/billing/flows";
import { portalLocale } from "@/lib/billing/locale";
import { failureFromStripe } from "@/lib/billing/stripe-errors";
import { stripe } from "@/lib/stripe";

/**
 * A Customer Portal session for a company that already subscribes, instead of a second
 * subscription: straight on "Change plan" when the subscription can be changed, else the
 * portal's home (a past_due, unpaid or paused subscription is fixed there first). One Stripe call.
 */
export async function portalInsteadOfCheckout(
  claims: Claims,
  target: { companyId: string; customerId: string; returnUrl: string; subscription: SubscriptionOnFile },
): Promise<{ ok: true; url: string } | { ok: false; error: BillingFailure }> {
  const e = env();
  const deepLink = flowApplies("subscription_update", target.subscription)
    ? flowData("subscription_update", target.subscription, target.returnUrl)
    : undefined;
  const locale = portalLocale(claims.user_metadata);
  try {
    const session = await stripe().billingPortal.sessions.create(
      {
        customer: target.customerId,
        return_url: target.returnUrl,
        ...(e.stripePortalConfigId && { configuration: e.stripePortalConfigId }),
        ...(locale && { locale }),
        ...(deepLink?.ok && { flow_data: deepLink.flowData }),
      },
      { idempotencyKey: `portal-session:${claims.sub}:${target.companyId}:${randomUUID()}` },
    );
    return { ok: true, url: session.url };
  } catch (err) {
    return { ok: false, error: failureFromStripe(err) };
  }
}
