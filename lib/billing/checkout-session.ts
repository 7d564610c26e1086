import "server-only";
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { env } from "@/lib/env";
import { stripeTime } from "@/lib/billing/checkout-record";
import { checkoutReturnUrls } from "@/lib/billing/checkout-urls";
import { LIVE } from "@/lib/billing/flows";
import { stripe } from "@/lib/stripe";

export type CheckoutPlan = { companyId: string; customerId: string; priceId: string; trialDays: number | null };

export type Opened =
  | { kind: "checkout"; url: string }
  /** A newer click of the same company made its own session; ours is expired. */
  | { kind: "superseded" }
  /** The company already subscribed through Checkout (not yet recorded here); ours is expired. */
  | { kind: "subscribed"; session: Stripe.Checkout.Session; subscription: Stripe.Subscription; at: Date };

/**
 * Creates this click's Checkout Session, then settles the customer's other subscription-mode
 * sessions so that at most one can still be paid: older open ones are expired; if a newer open
 * one exists (a concurrent click) or one was already completed with a live subscription, ours is
 * expired instead. Creating before listing means that of two concurrent clicks at least one sees
 * the other's session. Stripe calls: create + list (+ one expire per other open session).
 */
export async function openCheckoutSession(plan: CheckoutPlan, returnUrl: string, userId: string): Promise<Opened> {
  const e = env();
  const { successUrl, cancelUrl } = checkoutReturnUrls(returnUrl);
  const companyMetadata = { company_id: plan.companyId };
  const customerUpdate = {
    ...(e.checkoutAutomaticTax && { address: "auto" as const }),
    ...(e.checkoutTaxIdCollection && { name: "auto" as const }),
  };
  const mine = await stripe().checkout.sessions.create(
    {
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
      ...(e.checkoutAutomaticTax && { automatic_tax: { enabled: true } }),
      ...(e.checkoutTaxIdCollection && { tax_id_collection: { enabled: true } }),
      ...(Object.keys(customerUpdate).length > 0 && { customer_update: customerUpdate }),
    },
    { idempotencyKey: `checkout-session:${userId}:${plan.companyId}:${randomUUID()}` },
  );
  const others = await stripe().checkout.sessions.list({
    customer: plan.customerId,
    limit: 20,
    expand: ["data.subscription"],
  });
  const at = stripeTime(others);
  const sessions = others.data.filter((s) => s.mode === "subscription" && s.id !== mine.id);

  let subscribed = sessions.find((s) => liveSubscriptionOf(s));
  const newer = sessions.some((s) => s.status === "open" && isNewer(s, mine));
  if (!subscribed && !newer) {
    const older = sessions.filter((s) => s.status === "open");
    const settled = await Promise.all(older.map(expireOrReread));
    subscribed = settled.find((s): s is Stripe.Checkout.Session => !!s && !!liveSubscriptionOf(s));
    // Hosted Checkout always has a URL; without one there is nothing to send the person to.
    if (!subscribed && mine.url) return { kind: "checkout", url: mine.url };
    if (!subscribed) throw new Error(`checkout session ${mine.id} has no url`);
  }
  await expireOrReread(mine);
  const subscription = subscribed && liveSubscriptionOf(subscribed);
  return subscribed && subscription
    ? { kind: "subscribed", session: subscribed, subscription, at }
    : { kind: "superseded" };
}

const isNewer = (a: Stripe.Checkout.Session, b: Stripe.Checkout.Session) =>
  a.created > b.created || (a.created === b.created && a.id > b.id);

function liveSubscriptionOf(s: Stripe.Checkout.Session): Stripe.Subscription | null {
  const sub = typeof s.subscription === "object" ? s.subscription : null;
  return s.status === "complete" && sub && LIVE.includes(sub.status) ? sub : null;
}

/**
 * Expires an open session. If Stripe refuses because it is no longer open (paid or expired in
 * the meantime), reads it again to see which; other failures throw.
 */
async function expireOrReread(session: Stripe.Checkout.Session): Promise<Stripe.Checkout.Session | null> {
  try {
    await stripe().checkout.sessions.expire(session.id);
    return null;
  } catch (err) {
    if (!(err instanceof Stripe.errors.StripeInvalidRequestError)) throw err;
    return stripe().checkout.sessions.retrieve(session.id, { expand: ["subscription"] });
  }
}
