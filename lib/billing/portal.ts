import "server-only";
import { randomUUID } from "node:crypto";
import type { Claims } from "@/lib/auth";
import { env } from "@/lib/env";
import { errorFields, log } from "@/lib/log";
import { stripe } from "@/lib/stripe";
import type { BillingFailure } from "@/lib/billing/errors";
import { failure } from "@/lib/billing/errors";
import { parsePortalInput } from "@/lib/billing/input";
import { portalLocale } from "@/lib/billing/locale";
import { canManageBilling, portalAccess } from "@/lib/billing/queries";
import { resolveReturnUrl } from "@/lib/billing/return-url";
import { failureFromStripe } from "@/lib/billing/stripe-errors";

export type PortalResult = { ok: true; url: string; companyId: string } | { ok: false; error: BillingFailure; companyId?: string };

/**
 * The one implementation behind the billing page's server action and POST /api/portal:
 * signed in → member of the company → role may manage billing → customer on file →
 * return URL allowed → one Stripe call. The customer comes only from the database.
 */
export async function createPortalSession(claims: Claims | null, rawInput: unknown): Promise<PortalResult> {
  if (!claims) return { ok: false, error: failure("unauthenticated") };
  const parsed = parsePortalInput(rawInput);
  if (!parsed.ok) return parsed;
  const { companyId, returnUrl } = parsed.input;

  const rows = await portalAccess(claims, companyId);
  if (rows.length === 0) return { ok: false, error: failure("company_not_found", companyId ? undefined : "You don't belong to any company yet, so there is no billing to manage.") };
  if (rows.length > 1) return { ok: false, error: failure("invalid_request", "You belong to several companies: choose which company's billing to manage (companyId).") };
  const access = rows[0]!;
  const done = { companyId: access.companyId };

  if (!canManageBilling(access.role)) return { ok: false, error: failure("forbidden"), ...done };
  if (!access.stripeCustomerId) return { ok: false, error: failure("no_billing_account"), ...done };

  const e = env();
  const target = resolveReturnUrl(returnUrl, {
    appUrl: e.appUrl,
    allowedOrigins: e.allowedReturnOrigins,
    fallbackPath: `/billing?company=${access.companyId}`,
  });
  if (!target.ok) return { ...target, ...done };

  const started = performance.now();
  try {
    const locale = portalLocale(claims.user_metadata);
    const session = await stripe().billingPortal.sessions.create(
      {
        customer: access.stripeCustomerId,
        return_url: target.url,
        ...(e.stripePortalConfigId && { configuration: e.stripePortalConfigId }),
        ...(locale && { locale }),
      },
      // One key per click, reused by the SDK's own retries: a retry after a lost response
      // returns the session Stripe already made instead of making another.
      { idempotencyKey: `portal-session:${claims.sub}:${access.companyId}:${randomUUID()}` },
    );
    log.info("portal.session_created", { userId: claims.sub, companyId: access.companyId, ms: Math.round(performance.now() - started) });
    return { ok: true, url: session.url, ...done };
  } catch (err) {
    const mapped = failureFromStripe(err);
    log.warn("portal.stripe_failed", { userId: claims.sub, companyId: access.companyId, code: mapped.code, ms: Math.round(performance.now() - started), ...errorFields(err) });
    return { ok: false, error: mapped, ...done };
  }
}
