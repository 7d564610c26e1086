import "server-only";
import Stripe from "stripe";
import { env } from "@/lib/env";
import { callStripeWithin, stripe } from "@/lib/stripe";
import type { CheckoutClick } from "@/lib/billing/checkout-click";
import { stripeTime } from "@/lib/billing/checkout-record";
import { type CheckoutPlan, checkoutSessionParams } from "@/lib/billing/checkout-params";
import { LIVE } from "@/lib/billing/flows";

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
 * the other's session. Stripe calls: create + list (+ one expire per other open session), each
 * within what is left of the click's deadline, a retry under the same idempotency key.
 */
export async function openCheckoutSession(
  click: CheckoutClick,
  plan: CheckoutPlan,
  returnUrl: string,
): Promise<Opened> {
  const e = env();
  const switches = { automaticTax: e.checkoutAutomaticTax, taxIdCollection: e.checkoutTaxIdCollection };
  const base = checkoutSessionParams(plan, returnUrl, switches);
  // Which of two open sessions is the later click's, even within one second (see isNewer).
  const params = { ...base, metadata: { ...base.metadata, clicked_at: String(click.clickedAt) } };
  const key = `checkout-session:${click.claims.sub}:${plan.companyId}:${click.attemptId}`;
  const mine = await callStripeWithin(click.deadline, (options) =>
    stripe().checkout.sessions.create(params, { idempotencyKey: key, ...options }),
  );
  const others = await callStripeWithin(click.deadline, (options) =>
    stripe().checkout.sessions.list({ customer: plan.customerId, limit: 20, expand: ["data.subscription"] }, options),
  );
  const at = stripeTime(others);
  const sessions = others.data.filter((s) => s.mode === "subscription" && s.id !== mine.id);
  const expire = (session: Stripe.Checkout.Session) => expireOrReread(click, session);

  let subscribed = sessions.find((s) => liveSubscriptionOf(s));
  const newer = sessions.some((s) => s.status === "open" && isNewer(s, mine));
  if (!subscribed && !newer) {
    const older = sessions.filter((s) => s.status === "open");
    const settled = await Promise.all(older.map(expire));
    subscribed = settled.find((s): s is Stripe.Checkout.Session => !!s && !!liveSubscriptionOf(s));
    // Hosted Checkout always has a URL; without one there is nothing to send the person to.
    if (!subscribed && mine.url) return { kind: "checkout", url: mine.url };
    if (!subscribed) throw new Error(`checkout session ${mine.id} has no url`);
  }
  await expire(mine);
  const subscription = subscribed && liveSubscriptionOf(subscribed);
  return subscribed && subscription
    ? { kind: "subscribed", session: subscribed, subscription, at }
    : { kind: "superseded" };
}

// The later click's session is the one to keep: by the click's own time when both carry it (two
// clicks a person made one after the other, even within a second), else by Stripe's `created`.
// The id only breaks exact ties, so that two concurrent clicks still agree on one survivor.
const clickedAt = (s: Stripe.Checkout.Session) => Number(s.metadata?.clicked_at ?? Number.NaN);
const isNewer = (a: Stripe.Checkout.Session, b: Stripe.Checkout.Session) => {
  const [x, y] = [clickedAt(a), clickedAt(b)];
  if (Number.isFinite(x) && Number.isFinite(y) && x !== y) return x > y;
  return a.created > b.created || (a.created === b.created && a.id > b.id);
};

function liveSubscriptionOf(s: Stripe.Checkout.Session): Stripe.Subscription | null {
  const sub = typeof s.subscription === "object" ? s.subscription : null;
  return s.status === "complete" && sub && LIVE.includes(sub.status) ? sub : null;
}

/**
 * Expires an open session. If Stripe refuses because it is no longer open (paid or expired in
 * the meantime), reads it again to see which; other failures throw.
 */
async function expireOrReread(
  click: CheckoutClick,
  session: Stripe.Checkout.Session,
): Promise<Stripe.Checkout.Session | null> {
  try {
    await callStripeWithin(click.deadline, (options) =>
      stripe().checkout.sessions.expire(
        session.id,
        {},
        { idempotencyKey: `checkout-expire:${session.id}`, ...options },
      ),
    );
    return null;
  } catch (err) {
    if (!(err instanceof Stripe.errors.StripeInvalidRequestError)) throw err;
    return callStripeWithin(click.deadline, (options) =>
      stripe().checkout.sessions.retrieve(session.id, { expand: ["subscription"] }, options),
    );
  }
}
