import "server-only";
import Stripe from "stripe";
import type { Claims } from "@/lib/auth";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { errorFields, log } from "@/lib/log";
import { stripe } from "@/lib/stripe";
import { auditPortalAttempt } from "@/lib/billing/audit";
import { parseCheckoutInput } from "@/lib/billing/checkout-input";
import { beginCheckout, linkCheckoutCustomer, type CheckoutAccessRow } from "@/lib/billing/checkout-queries";
import { recordCheckoutSession } from "@/lib/billing/checkout-record";
import { openCheckoutSession } from "@/lib/billing/checkout-session";
import { type BillingFailure, failure, rateLimited } from "@/lib/billing/errors";
import { portalInsteadOfCheckout } from "@/lib/billing/portal-link";
import { resolveReturnUrl } from "@/lib/billing/return-url";
import { failureFromStripe } from "@/lib/billing/stripe-errors";

export type CheckoutResult =
  | { ok: true; url: string; destination: "checkout" | "portal"; companyId: string }
  | { ok: false; error: BillingFailure; companyId?: string };

/**
 * The one implementation behind the Subscribe form and POST /api/checkout: signed in → member
 * of the company → role may manage billing → return URL allowed → plan on offer → under the
 * rate limit (all from one database round trip) → the company's customer, created once →
 * a Checkout Session, or the portal's "Change plan" when the company already subscribes.
 * Every attempt is audited after the response.
 */
export async function startCheckout(
  claims: Claims | null,
  rawInput: unknown,
  ctx: { userAgent: string | null; unreadableBody?: BillingFailure },
): Promise<CheckoutResult> {
  let result: CheckoutResult;
  if (!claims) result = { ok: false, error: failure("unauthenticated") };
  else if (ctx.unreadableBody) result = { ok: false, error: ctx.unreadableBody };
  else result = await decideAndStart(claims, rawInput);
  const flow = result.ok && result.destination === "portal" ? "subscription_update" : "checkout";
  const outcome = result.ok ? "ok" : result.error.code;
  auditPortalAttempt({
    userId: claims?.sub ?? null,
    companyId: result.companyId ?? null,
    outcome,
    flow,
    userAgent: ctx.userAgent,
  });
  return result;
}

async function decideAndStart(claims: Claims, rawInput: unknown): Promise<CheckoutResult> {
  const parsed = parseCheckoutInput(rawInput);
  if (!parsed.ok) return parsed;
  const { companyId, price, returnUrl } = parsed.input;
  const e = env();
  const target = (id: string) =>
    resolveReturnUrl(returnUrl, {
      appUrl: e.appUrl,
      allowedOrigins: e.allowedReturnOrigins,
      fallbackPath: `/billing?company=${id}`,
    });
  // As in portal.ts: a refused return URL takes no rate-limit slot and no customer claim.
  const rows = await beginCheckout(
    claims,
    { companyId, price },
    { planPrices: e.planPrices, limit: e.portalRateLimitPerMinute, consume: target(companyId ?? "").ok },
  );
  if (rows.length === 0)
    return {
      ok: false,
      error: failure(
        "company_not_found",
        companyId ? undefined : "You don't belong to any company yet, so there is no plan to choose.",
      ),
    };
  if (rows.length > 1)
    return {
      ok: false,
      error: failure(
        "invalid_request",
        "You belong to several companies: choose which company subscribes (companyId).",
      ),
    };
  const access = rows[0]!;
  const done = { companyId: access.companyId };
  if (!access.mayManageBilling) return { ok: false, error: failure("forbidden"), ...done };
  const returnTo = target(access.companyId);
  if (!returnTo.ok) return { ...returnTo, ...done };
  if (!access.subscriptionId && !access.priceId) return { ok: false, error: failure("plan_not_found"), ...done };
  if (access.rateLimited)
    return {
      ok: false,
      error: rateLimited(access.retryAfterSeconds ?? 60, e.portalRateLimitPerMinute, "Billing sessions were opened"),
      ...done,
    };

  const started = performance.now();
  try {
    const answer = await subscribeOrPortal(claims, access, returnTo.url);
    log.info("checkout.started", {
      userId: claims.sub,
      ...done,
      destination: answer.ok ? answer.destination : answer.error.code,
      ms: Math.round(performance.now() - started),
    });
    return { ...answer, ...done };
  } catch (err) {
    // Our own failures (the database, a bug) go up to the caller's 503 or 500.
    if (!(err instanceof Stripe.errors.StripeError)) throw err;
    const mapped = checkoutFailureFromStripe(err);
    log.warn("checkout.stripe_failed", {
      userId: claims.sub,
      ...done,
      code: mapped.code,
      ms: Math.round(performance.now() - started),
      ...errorFields(err),
    });
    return { ok: false, error: mapped, ...done };
  }
}

type Answer = { ok: true; url: string; destination: "checkout" | "portal" } | { ok: false; error: BillingFailure };

async function subscribeOrPortal(claims: Claims, access: CheckoutAccessRow, returnUrl: string): Promise<Answer> {
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

  const customerId = access.stripeCustomerId ?? (await createCompanyCustomer(claims, access));
  if (!customerId) return { ok: false, error: failure("forbidden") };
  const opened = await openCheckoutSession(
    { companyId, customerId, priceId: access.priceId!, trialDays: access.trialDays },
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

// A price the catalog still lists but Stripe no longer has is a plan that is not on offer.
function checkoutFailureFromStripe(err: Stripe.errors.StripeError): BillingFailure {
  if (err instanceof Stripe.errors.StripeInvalidRequestError && /price/.test(`${err.param ?? ""} ${err.message}`))
    return failure("plan_not_found");
  const mapped = failureFromStripe(err);
  return mapped.code === "stripe_unavailable"
    ? failure(
        "stripe_unavailable",
        "Stripe isn't responding right now, so Checkout can't open. Please try again in a minute.",
      )
    : mapped;
}
