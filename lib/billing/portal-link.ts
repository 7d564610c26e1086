import "server-only";
import { env } from "@/lib/env";
import type { BillingFailure } from "@/lib/billing/errors";
import { flowApplies, flowData, type SubscriptionOnFile } from "@/lib/billing/flows";
import { portalLocale } from "@/lib/billing/locale";
import type { CheckoutClick } from "@/lib/billing/checkout-click";
import { openStripePortal } from "@/lib/billing/stripe-portal";

/**
 * A Customer Portal session for a company that already subscribes, instead of a second
 * subscription: straight on "Change plan" when the subscription can be changed, else the
 * portal's home (a past_due, unpaid or paused subscription is fixed there first). One Stripe
 * call, within what is left of the click's deadline, under the click's own idempotency key.
 */
export async function portalInsteadOfCheckout(
  click: CheckoutClick,
  target: { companyId: string; customerId: string; returnUrl: string; subscription: SubscriptionOnFile },
): Promise<{ ok: true; url: string } | { ok: false; error: BillingFailure }> {
  const e = env();
  const deepLink = flowApplies("subscription_update", target.subscription)
    ? flowData("subscription_update", target.subscription, target.returnUrl)
    : undefined;
  const locale = portalLocale(click.claims.user_metadata);
  return openStripePortal({
    params: {
      customer: target.customerId,
      return_url: target.returnUrl,
      ...(e.stripePortalConfigId && { configuration: e.stripePortalConfigId }),
      ...(locale && { locale }),
      ...(deepLink?.ok && { flow_data: deepLink.flowData }),
    },
    idempotencyKey: `portal-session:${click.claims.sub}:${target.companyId}:${click.attemptId}`,
    log: { userId: click.claims.sub, companyId: target.companyId, flow: deepLink?.ok ? "subscription_update" : null },
    deadline: click.deadline,
  });
}
