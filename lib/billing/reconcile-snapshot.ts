import "server-only";
import type postgres from "postgres";

// What a person reads of one company's billing, before and after a reconcile: the diff is
// the fields that changed.

export type BillingSnapshot = Record<string, string>;
export type FieldChange = { field: string; before: string; after: string };

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : "none");

export async function billingSnapshot(sql: postgres.TransactionSql, companyId: string): Promise<BillingSnapshot> {
  const [row] = await sql<
    {
      deleted: boolean | null;
      card: string | null;
      subscription: string | null;
      status: string | null;
      plan: string | null;
      cancelAtPeriodEnd: boolean | null;
      periodEnd: Date | null;
      invoices: number;
      latestInvoice: string | null;
    }[]
  >`
    select bc.deleted,
           (select p.brand || ' ' || coalesce(p.last4, '') from public.billing_payment_methods p
             where p.stripe_payment_method_id = bc.default_payment_method_id and not p.detached) as card,
           s.stripe_subscription_id as subscription, s.status, s.plan_name as plan,
           s.cancel_at_period_end as "cancelAtPeriodEnd", s.current_period_end as "periodEnd",
           (select count(*)::int from public.billing_invoices i where i.company_id = c.id) as invoices,
           (select coalesce(i.number, i.stripe_invoice_id) || ' ' || coalesce(i.status, '') from public.billing_invoices i
             where i.company_id = c.id order by i.stripe_created_at desc limit 1) as "latestInvoice"
    from public.companies c
    left join public.billing_customers bc on bc.company_id = c.id
    left join lateral (select * from public.billing_subscriptions s where s.company_id = c.id
                       order by (s.status = 'canceled'), s.stripe_created_at desc limit 1) s on true
    where c.id = ${companyId}`;
  if (!row) return {};
  return {
    customer: row.deleted === null ? "not read yet" : row.deleted ? "deleted in Stripe" : "on file",
    card: row.card ?? "none",
    subscription: row.subscription ?? "none",
    status: row.status ?? "none",
    plan: row.plan ?? "none",
    "cancels at period end": row.cancelAtPeriodEnd === null ? "none" : row.cancelAtPeriodEnd ? "yes" : "no",
    "period ends": day(row.periodEnd),
    invoices: String(row.invoices),
    "latest invoice": row.latestInvoice ?? "none",
  };
}

export function diffSnapshots(before: BillingSnapshot, after: BillingSnapshot): FieldChange[] {
  return Object.keys({ ...before, ...after })
    .filter((field) => before[field] !== after[field])
    .map((field) => ({ field, before: before[field] ?? "none", after: after[field] ?? "none" }));
}
