import "server-only";
import { randomUUID } from "node:crypto";
import type { Claims } from "@/lib/auth";
import { env } from "@/lib/env";
import { errorFields, log } from "@/lib/log";
import { stripe } from "@/lib/stripe";
import { auditPortalAttempt } from "@/lib/billing/audit";
import type { BillingFailure } from "@/lib/billing/errors";
import { failure, rateLimited } from "@/lib/billing/errors";
import { flowData } from "@/lib/billing/flows";
import { parsePortalInput } from "@/lib/billing/input";
import { portalLocale } from "@/lib/billing/locale";
import { beginPortalSession } from "@/lib/billing/queries";
import { resolveReturnUrl } from "@/lib/billing/return-url";
import { failureFromStripe } from "@/lib/billing/stripe-errors";

export type PortalResult =
  { ok: true; url: string; companyId: string } | { ok: false; error: BillingFailure; companyId?: string };

/**
 * The one implementation behind the billing page's server action and POST /api/portal:
 * signed in → member of the company → role may manage billing → customer on file →
 * return URL allowed → under the rate limit → one Stripe call. The customer comes only from
 * the database. Every attempt is audited after the response.
 */
export async function createPortalSession(
  claims: Claims | null,
  rawInput: unknown,
  ctx: { userAgent: string | null; unreadableBody?: BillingFailure },
): Promise<PortalResult> {
  let result: PortalResult;
  if (!claims) result = { ok: false, error: failure("unauthenticated") };
  else if (ctx.unreadableBody) result = { ok: false, error: ctx.unreadableBody };
  else result = await decideAndCreate(claims, rawInput);
  const requested = (rawInput as { flow?: unknown } | null | undefined)?.flow;
  const flow = typeof requested === "string" ? requested.slice(0, 64) : null;
  auditPortalAttempt({
    userId: claims?.sub ?? null,
    companyId: result.companyId ?? null,
    outcome: result.ok ? "ok" : result.error.code,
    flow,
    userAgent: ctx.userAgent,
  });
  return result;
}

async function decideAndCreate(claims: Claims, rawInput: unknown): Promise<PortalResult> {
  const parsed = parsePortalInput(rawInput);
  if (!parsed.ok) return parsed;
  const { companyId, returnUrl, flow } = parsed.input;

  const e = env();
  const target = (id: string) =>
    resolveReturnUrl(returnUrl, {
      appUrl: e.appUrl,
      allowedOrigins: e.allowedReturnOrigins,
      fallbackPath: `/billing?company=${id}`,
    });
  // Checked before the database so that a refused return URL takes no rate-limit slot, but
  // reported in its place in the order below. (Without a returnUrl the fallback always passes.)
  const returnUrlAllowed = target(companyId ?? "").ok;

  const rows = await beginPortalSession(claims, companyId, {
    limit: e.portalRateLimitPerMinute,
    consume: returnUrlAllowed,
  });
  if (rows.length === 0)
    return {
      ok: false,
      error: failure(
        "company_not_found",
        companyId ? undefined : "You don't belong to any company yet, so there is no billing to manage.",
      ),
    };
  if (rows.length > 1)
    return {
      ok: false,
      error: failure(
        "invalid_request",
        "You belong to several companies: choose which company's billing to manage (companyId).",
      ),
    };
  const access = rows[0]!;
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

  const started = performance.now();
  try {
    const locale = portalLocale(claims.user_metadata);
    const session = await stripe().billingPortal.sessions.create(
      {
        customer: access.stripeCustomerId,
        return_url: returnTo.url,
        ...(e.stripePortalConfigId && { configuration: e.stripePortalConfigId }),
        ...(locale && { locale }),
        ...(deepLink && { flow_data: deepLink.flowData }),
      },
      // One key per click, reused by the SDK's own retries: a retry after a lost response
      // returns the session Stripe already made instead of making another.
      { idempotencyKey: `portal-session:${claims.sub}:${access.companyId}:${randomUUID()}` },
    );
    log.info("portal.session_created", {
      userId: claims.sub,
      companyId: access.companyId,
      flow: flow ?? null,
      ms: Math.round(performance.now() - started),
    });
    return { ok: true, url: session.url, ...done };
  } catch (err) {
    const mapped = failureFromStripe(err);
    log.warn("portal.stripe_failed", {
      userId: claims.sub,
      companyId: access.companyId,
      code: mapped.code,
      ms: Math.round(performance.now() - started),
      ...errorFields(err),
    });
    return { ok: false, error: mapped, ...done };
  }
}
