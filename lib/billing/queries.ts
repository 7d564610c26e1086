import "server-only";
import type { Claims } from "@/lib/auth";
import { asUser } from "@/lib/db";

export type CompanyRole = "owner" | "admin" | "billing" | "member";

export const BILLING_ROLES: readonly CompanyRole[] = ["owner", "admin", "billing"];

export function canManageBilling(role: CompanyRole): boolean {
  return BILLING_ROLES.includes(role);
}

export type PortalAccessRow = {
  companyId: string;
  companyName: string;
  role: CompanyRole;
  stripeCustomerId: string | null;
  subscriptionId: string | null;
  subscriptionStatus: string | null;
  subscriptionCancelAtPeriodEnd: boolean | null;
  rateLimited: boolean;
  retryAfterSeconds: number | null;
};

/**
 * Everything one click needs, in one round trip: the caller's memberships (one company, or all
 * of them), the Stripe customer (only for roles that may manage billing), the current
 * subscription, and, when `consume` is set, a slot of the per-minute rate limit.
 */
export function beginPortalSession(claims: Claims, companyId: string | undefined, opts: { limit: number; consume: boolean }) {
  return asUser<PortalAccessRow>(
    claims,
    `select company_id as "companyId", company_name as "companyName", role, stripe_customer_id as "stripeCustomerId",
            subscription_id as "subscriptionId", subscription_status as "subscriptionStatus",
            subscription_cancel_at_period_end as "subscriptionCancelAtPeriodEnd",
            rate_limited as "rateLimited", retry_after_seconds as "retryAfterSeconds"
     from private.begin_portal_session(nullif(current_setting('app.company_id'), '')::uuid,
                                       current_setting('app.rate_limit')::int,
                                       current_setting('app.consume')::boolean)`,
    { company_id: companyId ?? null, rate_limit: String(opts.limit), consume: String(opts.consume) },
  );
}

export type CompanySummary = { id: string; name: string; role: CompanyRole; hasBillingAccount: boolean; contacts: { email: string; role: CompanyRole }[] };

/** What the billing page shows: every company of the caller, with whom to ask about billing. */
export function companiesForUser(claims: Claims) {
  return asUser<CompanySummary>(
    claims,
    `select c.id, c.name, m.role, c.has_billing_account as "hasBillingAccount",
            coalesce((select json_agg(json_build_object('email', b.email, 'role', b.role))
                      from private.billing_contacts(c.id) b), '[]'::json) as contacts
     from public.company_members m
     join public.companies c on c.id = m.company_id
     where m.user_id = (select auth.uid())
     order by c.name`,
  );
}
