import "server-only";
import Stripe from "stripe";
import type { TimeoutError } from "@/lib/deadline";
import { log } from "@/lib/log";
import { callStripeWithin, stripe } from "@/lib/stripe";
import { type CheckoutClick, databaseBudget } from "@/lib/billing/checkout-click";
import { linkCheckoutCustomer, type CheckoutAccessRow } from "@/lib/billing/checkout-queries";
import { recordCheckoutWithin } from "@/lib/billing/checkout-record";
import { openCheckoutSession } from "@/lib/billing/checkout-session";
import { type BillingFailure, failure } from "@/lib/billing/errors";
import { portalInsteadOfCheckout } from "@/lib/billing/portal-link";
import { failureFromStripe } from "@/lib/billing/stripe-errors";

// The Stripe side of a Subscribe click that passed every check in checkout.ts. Every Stripe call
// and database round trip here takes what is left of the click's one deadline.

export type Answer =
  { ok: true; url: string; destination: "checkout" | "portal" } | { ok: false; error: BillingFailure };

export async function subscribeOrPortal(
  click: CheckoutClick,
  access: CheckoutAccessRow,
  returnUrl: string,
): Promise<Answer> {
  const companyId = access.companyId;
  const toPortal = async (
    customerId: string,
    subscription: { id: string; status: string; cancelAtPeriodEnd: boolean | null },
  ) => {
    const portal = await portalInsteadOfCheckout(click, { companyId, customerId, returnUrl, subscription });
    return portal.ok ? { ok: true as const, url: portal.url, destination: "portal" as const } : portal;
  };
  // Never a second subscription: a company that has one changes it in the portal.
  if (access.subscriptionId && access.stripeCustomerId)
    return toPortal(access.stripeCustomerId, {
      id: access.subscriptionId,
      status: access.subscriptionStatus ?? "active",
      cancelAtPeriodEnd: access.subscriptionCancelAtPeriodEnd,
    });

  const priceId = access.priceId;
  if (!priceId) return { ok: false, error: failure("plan_not_found") };
  const customerId = access.stripeCustomerId ?? (await createCompanyCustomer(click, access));
  if (!customerId) return { ok: false, error: failure("forbidden") };
  const opened = await openCheckoutSession(
    click,
    { companyId, customerId, priceId, trialDays: access.trialDays },
    returnUrl,
  );
  if (opened.kind === "checkout") return { ok: true, url: opened.url, destination: "checkout" };
  if (opened.kind === "superseded") return { ok: false, error: failure("checkout_in_progress") };
  // Paid through an earlier Checkout that no webhook has recorded yet: record it, then the portal.
  const sub = opened.subscription;
  await recordCheckoutWithin(companyId, opened.session, opened.at, databaseBudget(click));
  return toPortal(customerId, { id: sub.id, status: sub.status, cancelAtPeriodEnd: sub.cancel_at_period_end });
}

/**
 * The company's Stripe customer, made exactly once: the claim from begin_checkout pins the
 * idempotency key and parameters, so concurrent or repeated clicks get Stripe's one answer
 * (a 409 "in progress" is retried until the first request finishes, within the click's deadline). Then the company is
 * linked, unless something linked it first. Answers null if the caller may no longer manage it.
 */
async function createCompanyCustomer(click: CheckoutClick, access: CheckoutAccessRow): Promise<string | null> {
  const { claimKey, claimName } = access;
  if (!claimKey || !claimName) throw new Error("begin_checkout made no customer claim");
  const params = {
    name: claimName,
    ...(access.claimEmail && { email: access.claimEmail }),
    metadata: { company_id: access.companyId },
  };
  const customer = await callStripeWithin(click.deadline, (options) =>
    stripe().customers.create(params, { idempotencyKey: claimKey, ...options }),
  );
  const linked = await linkCheckoutCustomer(click.claims, access.companyId, customer.id, databaseBudget(click));
  if (linked && linked !== customer.id)
    log.warn("checkout.customer_linked_elsewhere", { companyId: access.companyId, created: customer.id, linked });
  return linked;
}

/**
 * Stripe's answer in Subscribe's words: a price the catalog still lists but Stripe no longer has
 * is a plan not on offer; the customer's idempotency key still in use by another click (after the
 * retries the click's deadline allowed) is a concurrent Subscribe; no answer in time is Stripe
 * unavailable, with its Retry-After.
 */
export function checkoutFailureFromStripe(err: Stripe.errors.StripeError | TimeoutError): BillingFailure {
  if (err instanceof Stripe.errors.StripeInvalidRequestError && /price/.test(`${err.param ?? ""} ${err.message}`))
    return failure("plan_not_found");
  // The SDK turns Stripe's 409 into a StripeAPIError, whatever the body's type says.
  if (err instanceof Stripe.errors.StripeError && err.statusCode === 409) return failure("checkout_in_progress");
  const mapped = failureFromStripe(err);
  return mapped.code === "stripe_unavailable"
    ? { ...mapped, message: "Stripe isn't responding right now, so Checkout can't open. Please try again in a minute." }
    : mapped;
}
