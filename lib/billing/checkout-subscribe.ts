import "server-only";
import Stripe from "stripe";
import type { Claims } from "@/lib/auth";
import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { stripe } from "@/lib/stripe";
import { linkCheckoutCustomer, type CheckoutAccessRow } from "@/lib/billing/checkout-queries";
import { recordCheckoutSession } from "@/lib/billing/checkout-record";
import { openCheckoutSession } from "@/lib/billing/checkout-session";
import { type BillingFailure, failure } from "@/lib/billing/errors";
import { portalInsteadOfCheckout } from "@/lib/billing/portal-link";
import { failureFromStripe } from "@/lib/billing/stripe-errors";

// The Stripe side of a Subscribe click that passed every check in checkout.ts.

export type Answer =
  { ok: true; url: string; destination: "checkout" | "portal" } | { ok: false; error: BillingFailure };

export async function subscribeOrPortal(claims: Claims, access: CheckoutAccessRow, returnUrl: string): Promise<Answer> {
  const companyId = access.companyId;
  const toPortal = async (
    customerId: string,
    subscription: { id: string; status: string; cancelAtPeriodEnd: boolean | null },
  ) => {
    const portal = await portalInsteadOfCheckout(claims, { companyId, customerId, returnUrl, subscription });
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
  const customerId = access.stripeCustomerId ?? (await createCompanyCustomer(claims, access));
  if (!customerId) return { ok: false, error: failure("forbidden") };
  const opened = await openCheckoutSession(
    { companyId, customerId, priceId, trialDays: access.trialDays },
    returnUrl,
    claims.sub,
  );
  if (opened.kind === "checkout") return { ok: true, url: opened.url, destination: "checkout" };
  if (opened.kind === "superseded") return { ok: false, error: failure("checkout_in_progress") };
  // Paid through an earlier Checkout that no webhook has recorded yet: record it, then the portal.
  const sub = opened.subscription;
  await db().begin((tx) => recordCheckoutSession(tx, companyId, opened.session, opened.at));
  return toPortal(customerId, { id: sub.id, status: sub.status, cancelAtPeriodEnd: sub.cancel_at_period_end });
}

/**
 * The company's Stripe customer, made exactly once: the claim from begin_checkout pins the
 * idempotency key and parameters, so concurrent or repeated clicks get Stripe's one answer
 * (the SDK retries a 409 "in progress" until the first request finishes). Then the company is
 * linked, unless something linked it first. Answers null if the caller may no longer manage it.
 */
async function createCompanyCustomer(claims: Claims, access: CheckoutAccessRow): Promise<string | null> {
  if (!access.claimKey || !access.claimName) throw new Error("begin_checkout made no customer claim");
  const customer = await stripe().customers.create(
    {
      name: access.claimName,
      ...(access.claimEmail && { email: access.claimEmail }),
      metadata: { company_id: access.companyId },
    },
    { idempotencyKey: access.claimKey },
  );
  const linked = await linkCheckoutCustomer(claims, access.companyId, customer.id);
  if (linked && linked !== customer.id)
    log.warn("checkout.customer_linked_elsewhere", { companyId: access.companyId, created: customer.id, linked });
  return linked;
}

/**
 * Stripe's answer in Subscribe's words: a price the catalog still lists but Stripe no longer has
 * is a plan not on offer; the customer's idempotency key still in use by another click (after the
 * SDK's retries) is a concurrent Subscribe.
 */
export function checkoutFailureFromStripe(err: Stripe.errors.StripeError): BillingFailure {
  if (err instanceof Stripe.errors.StripeInvalidRequestError && /price/.test(`${err.param ?? ""} ${err.message}`))
    return failure("plan_not_found");
  // The SDK turns Stripe's 409 into a StripeAPIError, whatever the body's type says.
  if (err.statusCode === 409) return failure("checkout_in_progress");
  const mapped = failureFromStripe(err);
  return mapped.code === "stripe_unavailable"
    ? failure(
        "stripe_unavailable",
        "Stripe isn't responding right now, so Checkout can't open. Please try again in a minute.",
      )
    : mapped;
}
