// The hosted customer-portal page a session's `url` opens: the customer's
// plan, card and invoices with buttons for the portal's actions, or straight
// the form of the session's flow. Its data-testids (portal-customer-id,
// portal-flow, portal-session-id, portal-return, ...) are what e2e tests read.
import { defaultCard, invoicesOf, primarySubscription } from "../billing/ops.ts";
import { periodName, planName } from "../billing/catalog.ts";
import { cardLabel } from "../objects/payment-method.ts";
import { itemOf, periodOf } from "../objects/subscription.ts";
import type { SessionRecord, Store, SubscriptionObject } from "../state/types.ts";
import type { Page } from "./html.ts";
import { button, escape, formatDate, formatMoney, layout, returnLink } from "./html.ts";

export type FlowInfo = {
  type: string;
  subscription: string | null;
  after: string;
  redirectUrl: string | null;
  message: string | null;
};

export type PortalContext = { store: Store; record: SessionRecord; base: string; flow: FlowInfo | null };

const get = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
const text = (value: unknown) => (typeof value === "string" ? value : null);

// Reads the session's echoed `flow` back; the page never needs the raw parameters.
export function flowInfo(record: SessionRecord): FlowInfo | null {
  const flow = record.session.flow;
  const type = text(get(flow, "type"));
  if (!type) return null;
  const part = get(flow, type);
  const after = get(flow, "after_completion");
  return {
    type,
    subscription: text(get(part, "subscription")),
    after: text(get(after, "type")) ?? "portal_homepage",
    redirectUrl: text(get(get(after, "redirect"), "return_url")),
    message: text(get(get(after, "hosted_confirmation"), "custom_message")),
  };
}

export function portalContext(store: Store, record: SessionRecord): PortalContext {
  return { store, record, base: `/p/session/${encodeURIComponent(record.secret)}`, flow: flowInfo(record) };
}

const localeOf = (ctx: PortalContext) => {
  const locale = ctx.record.session.locale;
  return typeof locale === "string" && locale !== "auto" ? locale : "en";
};

// Every portal page starts the same way: the way back, who this is, which session.
export function portalLayout(ctx: PortalContext, title: string, body: string, status = 200): Page {
  const { session } = ctx.record;
  const head = `
${returnLink(session.return_url)}
<h1>${escape(ctx.record.customerName ?? session.customer)}</h1>
<dl>
<dt>Customer</dt><dd data-testid="portal-customer-id">${escape(session.customer)}</dd>
<dt>Flow</dt><dd data-testid="portal-flow">${escape(ctx.record.flowType ?? "portal_homepage")}</dd>
<dt>Session</dt><dd data-testid="portal-session-id">${escape(session.id)}</dd>
</dl>`;
  return { status, html: layout(title, `${head}\n${body}`, localeOf(ctx)) };
}

function renewalText(subscription: SubscriptionObject): string {
  const { end } = periodOf(subscription);
  if (subscription.status === "canceled") return `Canceled on ${formatDate(subscription.ended_at ?? end)}`;
  if (subscription.cancel_at_period_end) return `Cancels on ${formatDate(subscription.cancel_at ?? end)}`;
  if (subscription.status === "trialing") return `Trial ends on ${formatDate(subscription.trial_end ?? end)}`;
  return `Renews on ${formatDate(end)}`;
}

function subscriptionSection(ctx: PortalContext, subscription: SubscriptionObject | undefined): string {
  if (!subscription)
    return `<section><h2>Current plan</h2><p data-testid="portal-no-subscription">No active subscription</p></section>`;
  const price = itemOf(subscription).price;
  const cancel = subscription.cancel_at_period_end ? "" : button("get", `${ctx.base}/cancel`, "Cancel subscription");
  const pastDue =
    subscription.status === "past_due"
      ? `<p role="alert">Your last payment failed. Update your payment method to pay the open invoice.</p>`
      : "";
  return `<section aria-labelledby="plan-heading"><h2 id="plan-heading">Current plan</h2>
${pastDue}<p><strong data-testid="portal-plan">${escape(planName(ctx.store, price.id))}</strong> · ${formatMoney(price.unit_amount ?? 0)} per ${periodName(price)}</p>
<p>Status: <span data-testid="portal-subscription-status">${escape(subscription.status)}</span></p>
<p data-testid="portal-renewal">${escape(renewalText(subscription))}</p>
${button("get", `${ctx.base}/plan`, "Update plan")}${cancel}</section>`;
}

function cardSection(ctx: PortalContext): string {
  const customer = ctx.store.customers.get(ctx.record.session.customer)?.customer;
  const card = customer && defaultCard(ctx.store, customer);
  const shown = card
    ? `<p data-testid="portal-card">${escape(cardLabel(card))}</p><p>Expires ${card.card.exp_month}/${card.card.exp_year}</p>`
    : `<p data-testid="portal-card">No payment method</p>`;
  return `<section aria-labelledby="pm-heading"><h2 id="pm-heading">Payment method</h2>${shown}${button("get", `${ctx.base}/payment-method`, "Update payment method")}</section>`;
}

function invoiceSection(ctx: PortalContext): string {
  const invoices = invoicesOf(ctx.store, ctx.record.session.customer).reverse();
  const rows = invoices
    .map(
      (i) =>
        `<li data-testid="portal-invoice"><a href="${escape(i.hosted_invoice_url)}">${formatDate(i.created)}</a> · ${formatMoney(i.total)} · ${escape(i.status)}</li>`,
    )
    .join("\n");
  return `<section aria-labelledby="invoices-heading"><h2 id="invoices-heading">Invoice history</h2>${rows ? `<ul>${rows}</ul>` : "<p>No invoices yet</p>"}</section>`;
}

export function homePage(ctx: PortalContext): Page {
  const subscription = primarySubscription(ctx.store, ctx.record.session.customer);
  return portalLayout(
    ctx,
    "Customer portal",
    `${subscriptionSection(ctx, subscription)}\n${cardSection(ctx)}\n${invoiceSection(ctx)}`,
  );
}

export function expiredPage(record: SessionRecord): Page {
  const body = `
<h1>This portal session has expired</h1>
<p data-testid="portal-expired">This portal session has expired. Go back and open the billing portal again to start a new session.</p>
${returnLink(record.session.return_url)}`;
  return { status: 410, html: layout("Session expired · Customer portal", body) };
}

export function notFoundPage(): Page {
  const body = `
<h1>Page not found</h1>
<p data-testid="portal-not-found">This portal link is not valid. Go back and open the billing portal again.</p>`;
  return { status: 404, html: layout("Not found · Customer portal", body) };
}
