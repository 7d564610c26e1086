import "server-only";
import Stripe from "stripe";
import type { Claims } from "@/lib/auth";
import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { stripe } from "@/lib/stripe";
import { companiesAndCustomers } from "@/lib/billing/checkout-queries";
import { recordCheckoutSession, stripeTime } from "@/lib/billing/checkout-record";
import { CANCELED_PARAM, CANCELED_VALUE, isCheckoutSessionId, SESSION_PARAM } from "@/lib/billing/checkout-urls";
import { type BillingFailure, failure } from "@/lib/billing/errors";
import { failureFromStripe } from "@/lib/billing/stripe-errors";
import { idOf } from "@/lib/billing/stripe-ids";

export type CheckoutReturn =
  | { kind: "canceled" }
  | { kind: "recorded"; companyId: string; status: string }
  | { kind: "not_completed"; companyId: string; expired: boolean }
  | { kind: "failed"; error: BillingFailure };

/** What the billing page's query string says about a way back from Checkout, if anything. */
export async function checkoutReturn(
  claims: Claims,
  params: Record<string, string | string[] | undefined>,
): Promise<CheckoutReturn | null> {
  const sessionId = params[SESSION_PARAM];
  if (typeof sessionId === "string") return finishCheckout(claims, sessionId);
  return params[CANCELED_PARAM] === CANCELED_VALUE ? { kind: "canceled" } : null;
}

// The session and what it made, within Stripe's four levels of expansion.
const EXPAND = ["customer", "subscription", "subscription.latest_invoice", "subscription.default_payment_method"];

/**
 * Back from Checkout with ?checkout_session=cs_…: reads the session from Stripe and, if it is a
 * completed Checkout of a company this user manages, for that company's customer, records the
 * subscription at once, so the page shows it before any webhook arrives. The webhooks that
 * follow are older than this read and change nothing. Costs 1 round trip, 1 Stripe call and one
 * write transaction. Answers null for someone who manages no company (nothing to do).
 */
export async function finishCheckout(claims: Claims, sessionId: string): Promise<CheckoutReturn | null> {
  if (!isCheckoutSessionId(sessionId))
    return { kind: "failed", error: failure("invalid_request", "That link back from Checkout isn't valid.") };
  const companies = (await companiesAndCustomers(claims)).filter((c) => c.mayManageBilling);
  if (companies.length === 0) return null;

  let session: Stripe.Response<Stripe.Checkout.Session>;
  try {
    session = await stripe().checkout.sessions.retrieve(sessionId, { expand: EXPAND });
  } catch (err) {
    if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === "resource_missing")
      return { kind: "failed", error: failure("invalid_request", "We couldn't find that checkout in Stripe.") };
    if (!(err instanceof Stripe.errors.StripeError)) throw err;
    return { kind: "failed", error: failureFromStripe(err) };
  }
  const company = companies.find((c) => c.companyId === session.client_reference_id);
  const customerId = idOf(session.customer);
  if (!company) return { kind: "failed", error: failure("company_not_found") };
  if (session.mode !== "subscription" || !customerId || (company.stripeCustomerId ?? customerId) !== customerId) {
    log.warn("checkout.return_mismatch", { userId: claims.sub, companyId: company.companyId, sessionId });
    return {
      kind: "failed",
      error: failure("invalid_request", "That checkout doesn't belong to this company's billing account."),
    };
  }
  if (session.status !== "complete")
    return { kind: "not_completed", companyId: company.companyId, expired: session.status === "expired" };

  const recorded = await db().begin((tx) => recordCheckoutSession(tx, company.companyId, session, stripeTime(session)));
  log.info("checkout.returned", { userId: claims.sub, companyId: company.companyId, sessionId, ...recorded });
  if (recorded.outcome === "flagged")
    return {
      kind: "failed",
      error: failure("invalid_request", "That checkout doesn't belong to this company's billing account."),
    };
  const status = typeof session.subscription === "object" ? (session.subscription?.status ?? "") : "";
  return { kind: "recorded", companyId: company.companyId, status };
}
