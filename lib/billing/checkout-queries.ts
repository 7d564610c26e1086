import "server-only";
import type { Claims } from "@/lib/auth";
import { asUser } from "@/lib/db";
import { auditText } from "@/lib/billing/audit";
import type { PortalAccessRow } from "@/lib/billing/queries";

/** What a portal click reads, and what only Subscribe needs besides. */
export type CheckoutAccessRow = PortalAccessRow & {
  /** The chosen price when it is on offer (as an id, whether it was asked for by id or lookup key). */
  priceId: string | null;
  trialDays: number | null;
  /** Set when the company has no customer yet: the one claim to create it (see the migration). */
  claimKey: string | null;
  claimName: string | null;
  claimEmail: string | null;
};

/** Everything one Subscribe click needs, in one round trip (private.begin_checkout). */
export function beginCheckout(
  claims: Claims,
  input: { companyId: string | undefined; price: string },
  opts: {
    planPrices: readonly string[] | undefined;
    limit: number;
    consume: boolean;
    /** A slot taken is audited under this click's id in the same transaction (migration 20261126000200). */
    attempt?: { id: string; flow: string; userAgent: string | null };
    timeoutMs?: number;
  },
) {
  return asUser<CheckoutAccessRow>(
    claims,
    `select company_id as "companyId", company_name as "companyName", role, may_manage_billing as "mayManageBilling",
            stripe_customer_id as "stripeCustomerId", subscription_id as "subscriptionId",
            subscription_status as "subscriptionStatus", subscription_cancel_at_period_end as "subscriptionCancelAtPeriodEnd",
            price_id as "priceId", trial_days as "trialDays", claim_key as "claimKey", claim_name as "claimName",
            claim_email as "claimEmail", rate_limited as "rateLimited", retry_after_seconds as "retryAfterSeconds"
     from private.begin_checkout(nullif(current_setting('app.company_id'), '')::uuid,
                                 current_setting('app.price'),
                                 string_to_array(nullif(current_setting('app.plan_prices'), ''), ','),
                                 current_setting('app.rate_limit')::int,
                                 current_setting('app.consume')::boolean)`,
    {
      company_id: input.companyId ?? null,
      price: input.price,
      plan_prices: opts.planPrices?.join(",") ?? null,
      rate_limit: String(opts.limit),
      consume: String(opts.consume),
      attempt_id: opts.attempt?.id ?? null,
      flow: auditText(opts.attempt?.flow ?? null, 64),
      user_agent: auditText(opts.attempt?.userAgent ?? null, 512),
    },
    { timeoutMs: opts.timeoutMs },
  );
}

/**
 * Links the company to the customer just created for its claim, unless it is linked already;
 * answers the customer the company is linked to now (one round trip).
 */
export async function linkCheckoutCustomer(claims: Claims, companyId: string, customerId: string, timeoutMs?: number) {
  const [row] = await asUser<{ customer: string | null }>(
    claims,
    `select private.link_checkout_customer(current_setting('app.company_id')::uuid, current_setting('app.customer')) as customer`,
    { company_id: companyId, customer: customerId },
    { timeoutMs },
  );
  return row?.customer ?? null;
}

export type ManagedCompanyRow = { companyId: string; mayManageBilling: boolean; stripeCustomerId: string | null };

/** The caller's companies, with the customer of each one they may manage (one round trip). */
export function companiesAndCustomers(claims: Claims) {
  return asUser<ManagedCompanyRow>(
    claims,
    `select company_id as "companyId", private.may_manage_billing(role) as "mayManageBilling",
            stripe_customer_id as "stripeCustomerId"
     from private.portal_access(null)`,
  );
}
