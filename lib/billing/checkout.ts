import "server-only";
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import type { Claims } from "@/lib/auth";
import { clickDeadline, type Deadline } from "@/lib/click-deadline";
import { TimeoutError } from "@/lib/deadline";
import { env } from "@/lib/env";
import { errorFields, log } from "@/lib/log";
import { auditPortalAttempt } from "@/lib/billing/audit";
import { parseCheckoutInput } from "@/lib/billing/checkout-input";
import { beginCheckout } from "@/lib/billing/checkout-queries";
import { checkoutFailureFromStripe, subscribeOrPortal } from "@/lib/billing/checkout-subscribe";
import { type BillingFailure, failure, rateLimited } from "@/lib/billing/errors";
import type { RequestContext } from "@/lib/http/billing-post";
import { oneCompany, returnTarget } from "@/lib/billing/click-access";

export type CheckoutResult =
  | { ok: true; url: string; destination: "checkout" | "portal"; companyId: string }
  | { ok: false; error: BillingFailure; companyId?: string };

/**
 * The one implementation behind the Subscribe form and POST /api/checkout: signed in → member
 * of the company → role may manage billing → return URL allowed → plan on offer → under the
 * rate limit (all from one database round trip) → the company's customer, created once →
 * a Checkout Session, or the portal's "Change plan" when the company already subscribes.
 * Every attempt is audited after the response. The whole click, every Stripe call and retry
 * included, is answered within one deadline (`ctx.deadline`): a database or Stripe that is down
 * or too slow is a 503 naming it, never a 500.
 */
export async function startCheckout(
  claims: Claims | null,
  rawInput: unknown,
  ctx: RequestContext,
): Promise<CheckoutResult> {
  const attempt = { id: randomUUID(), flow: "checkout", userAgent: ctx.userAgent };
  let result: CheckoutResult;
  if (!claims) result = { ok: false, error: failure("unauthenticated") };
  else if (ctx.unreadableBody) result = { ok: false, error: ctx.unreadableBody };
  else result = await decideCheckout(claims, rawInput, { attempt, deadline: ctx.deadline });
  const flow = result.ok && result.destination === "portal" ? "subscription_update" : "checkout";
  const outcome = result.ok ? "ok" : result.error.code;
  auditPortalAttempt({
    attemptId: attempt.id,
    userId: claims?.sub ?? null,
    companyId: result.companyId ?? null,
    outcome,
    flow,
    userAgent: ctx.userAgent,
  });
  return result;
}

type Attempt = { id: string; flow: string; userAgent: string | null };

/** The decision and the Stripe side without the audit (which needs a request scope). */
export async function decideCheckout(
  claims: Claims,
  rawInput: unknown,
  opts: { attempt?: Attempt; deadline?: Deadline } = {},
): Promise<CheckoutResult> {
  const { attempt } = opts;
  const deadline = opts.deadline ?? clickDeadline();
  const parsed = parseCheckoutInput(rawInput);
  if (!parsed.ok) return parsed;
  const { companyId, price, returnUrl } = parsed.input;
  const e = env();
  const target = returnTarget(returnUrl);
  // As in portal.ts: a refused return URL takes no rate-limit slot and no customer claim.
  const rows = await beginCheckout(
    claims,
    { companyId, price },
    {
      planPrices: e.planPrices,
      limit: e.portalRateLimitPerMinute,
      consume: target(companyId ?? "").ok,
      attempt,
      timeoutMs: Math.min(e.databaseTimeoutMs, deadline.remainingMs()),
    },
  );
  const one = oneCompany(rows, companyId, {
    noCompany: "You don't belong to any company yet, so there is no plan to choose.",
    several: "You belong to several companies: choose which company subscribes (companyId).",
  });
  if (!one.ok) return one;
  const access = one.row;
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
    // One id per click: every retry of a Stripe call reuses the key made from it.
    const click = { claims, attemptId: attempt?.id ?? randomUUID(), clickedAt: Date.now(), deadline };
    const answer = await subscribeOrPortal(click, access, returnTo.url);
    log.info("checkout.started", {
      userId: claims.sub,
      ...done,
      destination: answer.ok ? answer.destination : answer.error.code,
      ms: Math.round(performance.now() - started),
    });
    return { ...answer, ...done };
  } catch (err) {
    // Our own failures (the database, a bug) go up to the caller's 503 or 500.
    if (!(err instanceof Stripe.errors.StripeError) && !(err instanceof TimeoutError)) throw err;
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
