import "server-only";
import type postgres from "postgres";
import type Stripe from "stripe";
import { asVersion, versionDate, type Version, type WriteResult } from "@/lib/billing/versions";
import { idOf } from "@/lib/billing/stripe-ids";

// Writes of Stripe objects into the billing tables, shared by webhooks and the backfill.
// `at` is the version of what is written (lib/billing/versions.ts): a row already written from
// a newer version is left alone ("stale"); an event of the same second as the row is a "tie",
// left alone too, for the caller to settle by reading the object from Stripe.

type Tx = postgres.TransactionSql;
type Table =
  | "billing_customers"
  | "billing_subscriptions"
  | "billing_invoices"
  | "billing_payment_methods"
  | "billing_products"
  | "billing_prices";

/** Why an upsert that returned no row wrote nothing. One more statement, only then. */
export async function result(tx: Tx, rows: readonly unknown[], table: Table, key: string, id: string, v: Version) {
  if (rows.length > 0) return "written" satisfies WriteResult;
  if (v.fetched) return "stale" satisfies WriteResult;
  const [row] = await tx<
    { at: Date }[]
  >`select stripe_event_at as at from ${tx("public." + table)} where ${tx(key)} = ${id}`;
  return (row?.at.getTime() === v.seconds * 1000 ? "tie" : "stale") satisfies WriteResult;
}

const ts = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null);

export async function companyForCustomer(tx: Tx, customerId: string): Promise<string | null> {
  const [row] = await tx<{ id: string }[]>`select id from public.companies where stripe_customer_id = ${customerId}`;
  return row?.id ?? null;
}

export async function writeCustomer(
  tx: Tx,
  companyId: string,
  customer: Stripe.Customer | Stripe.DeletedCustomer,
  at: Version | Date,
): Promise<WriteResult> {
  const v = asVersion(at);
  const deleted = "deleted" in customer && customer.deleted === true;
  const pm = deleted ? null : idOf((customer as Stripe.Customer).invoice_settings?.default_payment_method);
  const rows = await tx`
    insert into public.billing_customers (company_id, stripe_customer_id, default_payment_method_id, deleted, stripe_event_at, synced_at)
    values (${companyId}, ${customer.id}, ${pm}, ${deleted}, ${versionDate(v)}, now())
    on conflict (company_id) do update set stripe_customer_id = excluded.stripe_customer_id,
      default_payment_method_id = excluded.default_payment_method_id, deleted = excluded.deleted,
      stripe_event_at = excluded.stripe_event_at, synced_at = now()
    where public.billing_customers.stripe_event_at < excluded.stripe_event_at
       or (${v.fetched} and public.billing_customers.stripe_event_at = excluded.stripe_event_at)
    returning company_id`;
  return result(tx, rows, "billing_customers", "company_id", companyId, v);
}

// The plan's name: the price's nickname, else its product's name (expanded, or from the plan
// catalog, since events never expand it), else the lookup key or the price id.
function planNameParts(price: Stripe.Price | undefined) {
  if (!price) return { named: null, productId: null, fallback: null };
  const product = typeof price.product === "object" && price.product ? price.product : null;
  const productName = product && !("deleted" in product && product.deleted) ? (product as Stripe.Product).name : null;
  return {
    named: price.nickname ?? productName,
    productId: idOf(price.product),
    fallback: price.lookup_key ?? price.id,
  };
}

export async function writeSubscription(
  tx: Tx,
  companyId: string,
  sub: Stripe.Subscription,
  at: Version | Date,
): Promise<WriteResult> {
  const v = asVersion(at);
  const item = sub.items?.data?.[0];
  const price = item?.price;
  const name = planNameParts(price);
  const rows = await tx`
    insert into public.billing_subscriptions (stripe_subscription_id, company_id, status, plan_name, price_id, amount, currency, interval,
      current_period_end, cancel_at_period_end, cancel_at, canceled_at, trial_end, default_payment_method_id, stripe_created_at,
      stripe_event_at, synced_at)
    values (${sub.id}, ${companyId}, ${sub.status},
      coalesce(${name.named}::text, (select p.name from public.billing_products p where p.stripe_product_id = ${name.productId}), ${name.fallback}::text),
      ${price?.id ?? null}, ${price?.unit_amount ?? null},
      ${price?.currency ?? sub.currency ?? null}, ${price?.recurring?.interval ?? null}, ${ts(item?.current_period_end)},
      ${sub.cancel_at_period_end}, ${ts(sub.cancel_at)}, ${ts(sub.canceled_at)}, ${ts(sub.trial_end)}, ${idOf(sub.default_payment_method)},
      ${ts(sub.created)}, ${versionDate(v)}, now())
    on conflict (stripe_subscription_id) do update set company_id = excluded.company_id, status = excluded.status,
      plan_name = excluded.plan_name, price_id = excluded.price_id, amount = excluded.amount, currency = excluded.currency,
      interval = excluded.interval, current_period_end = excluded.current_period_end,
      cancel_at_period_end = excluded.cancel_at_period_end, cancel_at = excluded.cancel_at, canceled_at = excluded.canceled_at,
      trial_end = excluded.trial_end, default_payment_method_id = excluded.default_payment_method_id,
      stripe_event_at = excluded.stripe_event_at, synced_at = now()
    where public.billing_subscriptions.stripe_event_at < excluded.stripe_event_at
       or (${v.fetched} and public.billing_subscriptions.stripe_event_at = excluded.stripe_event_at)
    returning stripe_subscription_id`;
  return result(tx, rows, "billing_subscriptions", "stripe_subscription_id", sub.id, v);
}

export async function writeInvoice(
  tx: Tx,
  companyId: string,
  invoice: Stripe.Invoice,
  at: Version | Date,
): Promise<WriteResult> {
  if (!invoice.id) return "stale";
  const v = asVersion(at);
  const rows = await tx`
    insert into public.billing_invoices (stripe_invoice_id, company_id, number, status, amount_due, amount_paid, currency,
      hosted_invoice_url, stripe_created_at, stripe_event_at, synced_at)
    values (${invoice.id}, ${companyId}, ${invoice.number ?? null}, ${invoice.status ?? null}, ${invoice.amount_due ?? 0},
      ${invoice.amount_paid ?? 0}, ${invoice.currency ?? null}, ${invoice.hosted_invoice_url ?? null}, ${ts(invoice.created)}, ${versionDate(v)}, now())
    on conflict (stripe_invoice_id) do update set number = excluded.number, status = excluded.status,
      amount_due = excluded.amount_due, amount_paid = excluded.amount_paid, currency = excluded.currency,
      hosted_invoice_url = excluded.hosted_invoice_url, stripe_event_at = excluded.stripe_event_at, synced_at = now()
    where public.billing_invoices.stripe_event_at < excluded.stripe_event_at
       or (${v.fetched} and public.billing_invoices.stripe_event_at = excluded.stripe_event_at)
    returning stripe_invoice_id`;
  return result(tx, rows, "billing_invoices", "stripe_invoice_id", invoice.id, v);
}

export async function writePaymentMethod(
  tx: Tx,
  companyId: string,
  pm: Stripe.PaymentMethod,
  detached: boolean,
  at: Version | Date,
): Promise<WriteResult> {
  const v = asVersion(at);
  const card = pm.card;
  const rows = await tx`
    insert into public.billing_payment_methods (stripe_payment_method_id, company_id, brand, last4, exp_month, exp_year, detached, stripe_event_at, synced_at)
    values (${pm.id}, ${companyId}, ${card?.brand ?? pm.type}, ${card?.last4 ?? null}, ${card?.exp_month ?? null}, ${card?.exp_year ?? null}, ${detached}, ${versionDate(v)}, now())
    on conflict (stripe_payment_method_id) do update set brand = excluded.brand, last4 = excluded.last4,
      exp_month = excluded.exp_month, exp_year = excluded.exp_year, detached = excluded.detached,
      stripe_event_at = excluded.stripe_event_at, synced_at = now()
    where public.billing_payment_methods.stripe_event_at < excluded.stripe_event_at
       or (${v.fetched} and public.billing_payment_methods.stripe_event_at = excluded.stripe_event_at)
    returning stripe_payment_method_id`;
  return result(tx, rows, "billing_payment_methods", "stripe_payment_method_id", pm.id, v);
}

export async function companyForPaymentMethod(tx: Tx, paymentMethodId: string): Promise<string | null> {
  const [row] = await tx<
    { company_id: string }[]
  >`select company_id from public.billing_payment_methods where stripe_payment_method_id = ${paymentMethodId}`;
  return row?.company_id ?? null;
}

/**
 * Links the company to this customer if it has none yet; answers the customer it is linked to
 * afterwards, which differs from `customerId` when the company already has another one.
 */
export async function linkCompanyCustomer(tx: Tx, companyId: string, customerId: string): Promise<string | null> {
  const [row] = await tx<
    { linked: string | null }[]
  >`select private.link_company_customer(${companyId}, ${customerId}) as linked`;
  return row?.linked ?? null;
}

export async function hasSubscription(tx: Tx, subscriptionId: string): Promise<boolean> {
  const rows = await tx`select 1 from public.billing_subscriptions where stripe_subscription_id = ${subscriptionId}`;
  return rows.length > 0;
}

export async function companyExists(tx: Tx, companyId: string): Promise<boolean> {
  const rows = await tx`select 1 from public.companies where id = ${companyId}`;
  return rows.length > 0;
}
