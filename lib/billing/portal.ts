import "server-only";
import { randomUUID } from "node:crypto";
import type { Claims } from "@/lib/auth";
import { env } from "@/lib/env";
import { clickDeadline, type Deadline } from "@/lib/click-deadline";
import { auditPortalAttempt } from "@/lib/billing/audit";
import type { BillingFailure } from "@/lib/billing/errors";
import { failure, rateLimited, unavailable, UnavailableError } from "@/lib/billing/errors";
import { flowData } from "@/lib/billing/flows";
import { parsePortalInput } from "@/lib/billing/input";
import { portalLocale } from "@/lib/billing/locale";
import { beginPortalSession } from "@/lib/billing/queries";
import { oneCompany, returnTarget } from "@/lib/billing/click-access";
import { openStripePortal } from "@/lib/billing/stripe-portal";

export type PortalResult =
  { ok: true; url: string; companyId: string } | { ok: false; error: BillingFailure; companyId?: string };

/**
 * The one implementation behind the billing page's server action and POST /api/portal:
 * signed in → member of the company → role may manage billing → customer on file →
 * return URL allowed → under the rate limit → one Stripe call. The customer comes only from
 * the database. Every attempt is audited after the response. The whole click is answered within
 * one deadline (CLICK_DEADLINE_MS, from `ctx.deadline`): a database or Stripe that is down or too
 * slow is a 503 naming it, never a 500.
 */
export async function createPortalSession(
  claims: Claims | null,
  rawInput: unknown,
  ctx: { userAgent: string | null; unreadableBody?: BillingFailure; deadline?: Deadline },
): Promise<PortalResult> {
  const requested = (rawInput as { flow?: unknown } | null | undefined)?.flow;
  const attempt = {
    id: randomUUID(),
    flow: typeof requested === "string" ? requested.slice(0, 64) : null,
    userAgent: ctx.userAgent,
  };
  let result: PortalResult;
  if (!claims) result = { ok: false, error: failure("unauthenticated") };
  else if (ctx.unreadableBody) result = { ok: false, error: ctx.unreadableBody };
  else result = await decideAndCreate(claims, rawInput, attempt, ctx.deadline ?? clickDeadline());
  auditPortalAttempt({
    attemptId: attempt.id,
    userId: claims?.sub ?? null,
    companyId: result.companyId ?? null,
    outcome: result.ok ? "ok" : result.error.code,
    flow: attempt.flow,
    userAgent: attempt.userAgent,
  });
  return result;
}

type Attempt = { id: string; flow: string | null; userAgent: string | null };

async function decideAndCreate(
  claims: Claims,
  rawInput: unknown,
  attempt: Attempt,
  deadline: Deadline,
): Promise<PortalResult> {
  const parsed = parsePortalInput(rawInput);
  if (!parsed.ok) return parsed;
  const { companyId, returnUrl, flow } = parsed.input;

  const e = env();
  const target = returnTarget(returnUrl);
  // Checked before the database so that a refused return URL takes no rate-limit slot, but
  // reported in its place in the order below. (Without a returnUrl the fallback always passes.)
  const returnUrlAllowed = target(companyId ?? "").ok;

  let rows;
  try {
    rows = await beginPortalSession(claims, companyId, {
      limit: e.portalRateLimitPerMinute,
      consume: returnUrlAllowed,
      attempt,
      timeoutMs: Math.min(e.databaseTimeoutMs, deadline.remainingMs()),
    });
  } catch (err) {
    if (err instanceof UnavailableError) return { ok: false, error: unavailable(err.code) };
    throw err;
  }
  const one = oneCompany(rows, companyId, {
    noCompany: "You don't belong to any company yet, so there is no billing to manage.",
    several: "You belong to several companies: choose which company's billing to manage (companyId).",
  });
  if (!one.ok) return one;
  const access = one.row;
  const done = { companyId: access.companyId };

  if (!access.mayManageBilling) return { ok: false, error: failure("forbidden"), ...done };
  if (!access.stripeCustomerId) return { ok: false, error: failure("no_billing_account"), ...done };
  const returnTo = target(access.companyId);
  if (!returnTo.ok) return { ...returnTo, ...done };
  if (access.rateLimited)
    return { ok: false, error: rateLimited(access.retryAfterSeconds ?? 60, e.portalRateLimitPerMinute), ...done };

  const sub = {
    id: access.subscriptionId,
    status: access.subscriptionStatus,
    cancelAtPeriodEnd: access.subscriptionCancelAtPeriodEnd,
  };
  const deepLink = flow ? flowData(flow, sub, returnTo.url) : undefined;
  if (deepLink && !deepLink.ok) return { ...deepLink, ...done };

  const locale = portalLocale(claims.user_metadata);
  const session = await openStripePortal({
    params: {
      customer: access.stripeCustomerId,
      return_url: returnTo.url,
      ...(e.stripePortalConfigId && { configuration: e.stripePortalConfigId }),
      ...(locale && { locale }),
      ...(deepLink && { flow_data: deepLink.flowData }),
    },
    // One key per click, reused by every retry: a retry after a lost response returns the
    // session Stripe already made instead of making another.
    idempotencyKey: `portal-session:${claims.sub}:${access.companyId}:${attempt.id}`,
    log: { userId: claims.sub, companyId: access.companyId, flow: flow ?? null },
    deadline,
  });
  return { ...session, ...done };
}
