// The hosted Checkout page a session's `url` opens: what is bought, the customer, and one plain
// HTML form for the card (it works without JavaScript), labelled as Stripe labels its fields, so
// a test drives it the way it drives Stripe's. Its data-testids: checkout-product,
// checkout-amount, checkout-trial, checkout-email, checkout-error, checkout-back, checkout-status.
import { findPrice, periodName, planName } from "../billing/catalog.ts";
import { liveCustomer } from "../state/store.ts";
import type { CheckoutRecord, Store } from "../state/types.ts";
import { successRedirect } from "../objects/checkout-session.ts";
import type { Page } from "./html.ts";
import { escape, formatMoney, layout } from "./html.ts";

export type Typed = { email: string; number: string; expiry: string; cvc: string; name: string };
export const NOTHING_TYPED: Typed = { email: "", number: "", expiry: "", cvc: "", name: "" };

const lang = (record: CheckoutRecord) => {
  const locale = record.session.locale;
  return locale && locale !== "auto" ? locale : "en";
};

const back = (record: CheckoutRecord) =>
  record.session.cancel_url
    ? `<p><a data-testid="checkout-back" href="${escape(record.session.cancel_url)}">← Back</a></p>`
    : "";

function field(label: string, name: string, value: string, attrs: string): string {
  return `<p><label>${escape(label)}<br><input name="${name}" value="${escape(value)}" ${attrs}></label></p>`;
}

function summary(store: Store, record: CheckoutRecord): string {
  const line = record.lines[0];
  const price = line && findPrice(store, line.price);
  if (!line || !price) return "";
  const each = `${formatMoney((price.unit_amount ?? 0) * line.quantity)} per ${periodName(price)}`;
  const days = record.subscriptionData.trialDays;
  const amount = days
    ? `<p data-testid="checkout-trial">${days} days free</p><p data-testid="checkout-amount">Then ${each}</p>`
    : `<p data-testid="checkout-amount">${each}</p>`;
  const quantity = line.quantity > 1 ? ` × ${line.quantity}` : "";
  return `<h1>Subscribe to <span data-testid="checkout-product">${escape(planName(store, price.id))}</span>${quantity}</h1>${amount}`;
}

export function checkoutPage(store: Store, record: CheckoutRecord, typed: Typed, error?: string): Page {
  const { session } = record;
  const customer = session.customer ? liveCustomer(store, session.customer) : undefined;
  const email = customer?.email ?? session.customer_email;
  const who = email
    ? `<p>Email <strong data-testid="checkout-email">${escape(email)}</strong></p>`
    : field("Email", "email", typed.email, 'type="email" autocomplete="email" required');
  const alert = error ? `<p role="alert" data-testid="checkout-error">${escape(error)}</p>` : "";
  const submit = record.subscriptionData.trialDays ? "Start trial" : "Subscribe";
  const body = `${back(record)}${summary(store, record)}
<form method="post" action="/c/pay/${escape(session.id)}">
${who}
<fieldset><legend>Card information</legend>
${field("Card number", "cardNumber", typed.number, 'inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234"')}
${field("Expiration", "cardExpiry", typed.expiry, 'autocomplete="cc-exp" placeholder="MM / YY"')}
${field("CVC", "cardCvc", typed.cvc, 'inputmode="numeric" autocomplete="cc-csc" placeholder="CVC"')}
</fieldset>
${field("Cardholder name", "billingName", typed.name, 'autocomplete="cc-name"')}
${alert}
<button type="submit">${submit}</button>
</form>
<p><small>Test cards: 4242 4242 4242 4242 pays; 4000 0000 0000 0002 is declined; 4000 0000 0000 0341 is saved, then its payment is declined. Any future date, any CVC.</small></p>`;
  return {
    status: error ? 402 : 200,
    html: layout(`${planName(store, record.lines[0]?.price ?? "")} · Checkout`, body, lang(record)),
  };
}

// A session that can no longer be paid: completed, or expired.
export function closedPage(record: CheckoutRecord): Page {
  const { session } = record;
  if (session.status === "complete") {
    const body = `<h1>Thanks for subscribing</h1><p data-testid="checkout-status">This checkout is complete.</p>
<p><a href="${escape(successRedirect(session))}">Continue</a></p>`;
    return { status: 200, html: layout("Complete · Checkout", body, lang(record)) };
  }
  const body = `<h1>This checkout has expired</h1><p data-testid="checkout-status">This checkout session has expired. Go back and start again.</p>${back(record)}`;
  return { status: 410, html: layout("Expired · Checkout", body, lang(record)) };
}

export function unknownCheckoutPage(): Page {
  const body = `<h1>Something went wrong</h1><p data-testid="checkout-status">The page you were looking for could not be found. Please check the URL or contact the merchant.</p>`;
  return { status: 404, html: layout("Not found · Checkout", body) };
}
