import "server-only";
import type { Claims } from "@/lib/auth";
import { asUser } from "@/lib/db";

export type CompanyRole = "owner" | "admin" | "billing" | "member";

export const BILLING_ROLES: readonly CompanyRole[] = ["owner", "admin", "billing"];

export function canManageBilling(role: CompanyRole): boolean {
  return BILLING_ROLES.includes(role);
}

export type PortalAccessRow = { companyId: string; companyName: string; role: CompanyRole; stripeCustomerId: string | null };

/**
 * The caller's memberships (one company, or all of them) with the Stripe customer, which the
 * database returns only for roles that may manage billing. One round trip.
 */
export function portalAccess(claims: Claims, companyId: string | undefined) {
  return asUser<PortalAccessRow>(
    claims,
    `select company_id as "companyId", company_name as "companyName", role, stripe_customer_id as "stripeCustomerId"
     from private.portal_access(nullif(current_setting('app.company_id'), '')::uuid)`,
    { company_id: companyId ?? null },
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
