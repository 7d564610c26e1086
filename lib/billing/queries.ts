import "server-only";
import type { Claims } from "@/lib/auth";
import { asUser } from "@/lib/db";
import { env } from "@/lib/env";
import type { OfferedPrice } from "@/lib/billing/plans";
import { auditText } from "@/lib/billing/audit";

export type CompanyRole = "owner" | "admin" | "billing" | "member";

// Which roles may manage billing or read the audit is decided only in SQL
// (private.may_manage_billing, private.may_see_audit); rows carry the answers.

export type PortalAccessRow = {
  companyId: string;
  companyName: string;
  role: CompanyRole;
  mayManageBilling: boolean;
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
 * subscription, and, when `consume` is set, a slot of the per-minute rate limit. A slot taken is
 * audited in the same transaction under `attempt.id` (supabase/migrations/20261126000200).
 */
export function beginPortalSession(
  claims: Claims,
  companyId: string | undefined,
  opts: {
    limit: number;
    consume: boolean;
    attempt?: { id: string; flow: string | null; userAgent: string | null };
    timeoutMs?: number;
  },
) {
  return asUser<PortalAccessRow>(
    claims,
    `select company_id as "companyId", company_name as "companyName", role, may_manage_billing as "mayManageBilling",
            stripe_customer_id as "stripeCustomerId",
            subscription_id as "subscriptionId", subscription_status as "subscriptionStatus",
            subscription_cancel_at_period_end as "subscriptionCancelAtPeriodEnd",
            rate_limited as "rateLimited", retry_after_seconds as "retryAfterSeconds"
     from private.begin_portal_session(nullif(current_setting('app.company_id'), '')::uuid,
                                       current_setting('app.rate_limit')::int,
                                       current_setting('app.consume')::boolean)`,
    {
      company_id: companyId ?? null,
      rate_limit: String(opts.limit),
      consume: String(opts.consume),
      attempt_id: opts.attempt?.id ?? null,
      flow: auditText(opts.attempt?.flow ?? null, 64),
      user_agent: auditText(opts.attempt?.userAgent ?? null, 512),
    },
    { timeoutMs: opts.timeoutMs },
  );
}

export type SubscriptionSummary = {
  id: string;
  status: string;
  planName: string | null;
  amount: number | null;
  currency: string | null;
  interval: string | null;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: string | null;
  trialEnd: string | null;
  /**
   * Live, and its renewal date passed more than 48 hours ago: Stripe sends an event when it
   * renews (or ends) a subscription, so none arriving in that time means events are being
   * lost. (Plain silence is no signal: a yearly plan may hear nothing for eleven months.)
   */
  renewalOverdue: boolean;
};
export type CardSummary = {
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
};
export type InvoiceSummary = {
  id: string;
  number: string | null;
  status: string | null;
  amountDue: number;
  amountPaid: number;
  currency: string | null;
  hostedInvoiceUrl: string | null;
  createdAt: string;
};
export type AuditEntry = {
  email: string | null;
  outcome: string;
  /** Repeats of a refusal within a minute are one entry. */
  attempts: number;
  flow: string | null;
  userAgent: string | null;
  /** The latest attempt this entry stands for. */
  lastAttemptAt: string;
};

export type CompanySummary = {
  id: string;
  name: string;
  role: CompanyRole;
  mayManageBilling: boolean;
  maySeeAudit: boolean;
  hasBillingAccount: boolean;
  contacts: { email: string; role: CompanyRole }[];
  customerDeleted: boolean;
  syncedAt: string | null;
  /** When the newest Stripe event about this company arrived: for those who may see the audit, else null. */
  lastEventAt: string | null;
  subscription: SubscriptionSummary | null;
  card: CardSummary | null;
  invoices: InvoiceSummary[];
  /** Recent portal attempts: row level security returns them to owners and admins only. */
  audit: AuditEntry[];
  /** Active, trialing, past_due, unpaid or paused (private.is_live_subscription): no second one. */
  hasLiveSubscription: boolean;
  /** The prices on offer (private.offered_plans), only while there is no live subscription. */
  plans: OfferedPrice[];
};

/**
 * What the billing page shows, from the database alone (no Stripe call on a page view): every
 * company of the caller, whom to ask about billing, where each company stands, and the plans it
 * can choose while it has no live subscription.
 */
export function companiesForUser(claims: Claims) {
  return asUser<CompanySummary>(
    claims,
    `select c.id, c.name, m.role, private.may_manage_billing(m.role) as "mayManageBilling",
            private.may_see_audit(m.role) as "maySeeAudit", c.has_billing_account as "hasBillingAccount",
            coalesce((select json_agg(json_build_object('email', b.email, 'role', b.role))
                      from private.billing_contacts(c.id) b), '[]'::json) as contacts,
            coalesce(bc.deleted, false) as "customerDeleted",
            greatest(bc.synced_at, (select max(s.synced_at) from public.billing_subscriptions s where s.company_id = c.id)) as "syncedAt",
            private.last_stripe_event_at(c.id) as "lastEventAt",
            (select json_build_object('id', s.stripe_subscription_id, 'status', s.status, 'planName', s.plan_name,
                      'amount', s.amount::float8, 'currency', s.currency, 'interval', s.interval,
                      'currentPeriodEnd', s.current_period_end, 'cancelAtPeriodEnd', s.cancel_at_period_end,
                      'cancelAt', s.cancel_at, 'trialEnd', s.trial_end,
                      'renewalOverdue', coalesce(s.status in ('active', 'trialing', 'past_due', 'unpaid')
                                                 and s.current_period_end < now() - interval '48 hours', false))
               from public.billing_subscriptions s where s.company_id = c.id
               order by (s.status = 'canceled'), s.stripe_created_at desc limit 1) as subscription,
            (select json_build_object('brand', p.brand, 'last4', p.last4, 'expMonth', p.exp_month, 'expYear', p.exp_year)
               from public.billing_payment_methods p
               where p.company_id = c.id and not p.detached and p.stripe_payment_method_id = coalesce(
                 (select s.default_payment_method_id from public.billing_subscriptions s
                  where s.company_id = c.id and private.is_live_subscription(s.status)
                  order by s.stripe_created_at desc limit 1),
                 bc.default_payment_method_id)) as card,
            coalesce((select json_agg(i order by i."createdAt" desc) from (
               select stripe_invoice_id as id, number, status, amount_due::float8 as "amountDue", amount_paid::float8 as "amountPaid",
                      currency, hosted_invoice_url as "hostedInvoiceUrl", stripe_created_at as "createdAt"
               from public.billing_invoices where company_id = c.id order by stripe_created_at desc limit 5) i), '[]'::json) as invoices,
            coalesce((select json_agg(a order by a."lastAttemptAt" desc) from (
               select u.email, pa.outcome, pa.attempts, pa.flow, pa.user_agent as "userAgent", pa.last_attempt_at as "lastAttemptAt"
               from public.portal_audit pa left join private.member_emails(c.id) u on u.user_id = pa.user_id
               where pa.company_id = c.id order by pa.last_attempt_at desc limit 10) a), '[]'::json) as audit,
            live.live as "hasLiveSubscription",
            case when live.live then '[]'::json else coalesce((select json_agg(json_build_object(
                      'priceId', o.price_id, 'productId', o.product_id, 'productName', o.product_name,
                      'description', o.description, 'features', o.features, 'amount', o.amount::float8,
                      'currency', o.currency, 'interval', o.interval, 'intervalCount', o.interval_count,
                      'trialDays', o.trial_days))
               from private.offered_plans(string_to_array(nullif(current_setting('app.plan_prices'), ''), ',')) o), '[]'::json)
            end as plans
     from public.company_members m
     join public.companies c on c.id = m.company_id
     left join public.billing_customers bc on bc.company_id = c.id
     cross join lateral (select exists (select 1 from public.billing_subscriptions s
                                        where s.company_id = c.id and private.is_live_subscription(s.status)) as live) live
     where m.user_id = (select auth.uid())
     order by c.name`,
    { plan_prices: env().planPrices?.join(",") ?? null },
  );
}
