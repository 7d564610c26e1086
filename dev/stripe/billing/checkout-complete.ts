// Paying on the hosted Checkout page, as Stripe does it for a subscription-mode session. A card
// that works makes the subscription (metadata and trial from subscription_data), its first
// invoice, paid, and the card, attached and set as the subscription's default payment method;
// the session completes. The events come in the order Stripe sends them for a Checkout:
//   (customer.created, when Checkout made the customer) payment_method.attached, invoice.created,
//   customer.subscription.created (incomplete, or trialing), invoice.finalized,
//   customer.subscription.updated (incomplete → active; none for a trial), invoice.paid,
//   invoice.payment_succeeded, checkout.session.completed.
// (Stripe's charge.* and payment_intent.* events are left out: the stand-in has no such objects.)
// A declined card changes nothing but the attempt count, except 4000 0000 0000 0341, which Checkout
// attaches to the customer before the charge fails. Either way the session stays open.
import { newCustomer } from "../objects/customer.ts";
import { nowSeconds, randomId } from "../objects/ids.ts";
import { markPaid } from "../objects/invoice.ts";
import { newCard } from "../objects/payment-method.ts";
import { DAY, newSubscription, periodFrom } from "../objects/subscription.ts";
import type { TestCard } from "../objects/test-cards.ts";
import { liveCustomer } from "../state/store.ts";
import type { CheckoutRecord, CustomerObject, EventRequest, PaymentMethodObject, Store } from "../state/types.ts";
import { emit } from "../webhooks/emit.ts";
import { findPrice } from "./catalog.ts";
import { BillingError, changeSubscription, issueInvoice } from "./ops.ts";

export type Payer = { card: TestCard; expMonth: number; expYear: number; name: string | null; email: string | null };

// What the person does on the page is a request of theirs, as Stripe's events record it.
const pageRequest = (): EventRequest => ({ id: randomId("req_", 14), idempotency_key: null });

function payingCustomer(store: Store, record: CheckoutRecord, payer: Payer, request: EventRequest): CustomerObject {
  const id = record.session.customer;
  if (id) {
    const customer = liveCustomer(store, id);
    if (!customer) throw new BillingError(`No such customer: '${id}'`);
    return customer;
  }
  const customer = newCustomer(randomId("cus_", 14));
  customer.email = payer.email ?? record.session.customer_email;
  customer.name = payer.name;
  store.customers.set(customer.id, { customer, deleted: false });
  record.session.customer = customer.id;
  emit(store, "customer.created", customer, { request });
  return customer;
}

function attachCard(store: Store, customer: CustomerObject, payer: Payer, request: EventRequest): PaymentMethodObject {
  const { brand, last4 } = payer.card.spec;
  const pm = newCard({ brand, last4, expMonth: payer.expMonth, expYear: payer.expYear }, customer.id, nowSeconds());
  pm.billing_details.name = payer.name;
  pm.billing_details.email = customer.email;
  store.paymentMethods.set(pm.id, pm);
  emit(store, "payment_method.attached", pm, { request });
  return pm;
}

/** A decline: the attempt is counted; a card that attaches first is attached. */
export function declineCheckout(store: Store, record: CheckoutRecord, payer: Payer): void {
  record.declines += 1;
  if (payer.card.behaviour !== "attaches_then_declines") return;
  const request = pageRequest();
  attachCard(store, payingCustomer(store, record, payer, request), payer, request);
}

export function completeCheckout(store: Store, record: CheckoutRecord, payer: Payer): void {
  const { session } = record;
  const line = record.lines[0];
  const price = line && findPrice(store, line.price);
  if (!line || !price) throw new BillingError("This Checkout Session has no price to subscribe to.");
  const request = pageRequest();
  const customer = payingCustomer(store, record, payer, request);
  const pm = attachCard(store, customer, payer, request);

  const now = nowSeconds();
  const days = record.subscriptionData.trialDays;
  const trial = days ? { start: now, end: now + days * DAY } : null;
  const period = trial ?? periodFrom(now, price.recurring);
  const subscription = newSubscription({
    customer: customer.id,
    price,
    status: trial ? "trialing" : "incomplete",
    created: now,
    period,
    trial,
    quantity: line.quantity,
  });
  subscription.metadata = { ...record.subscriptionData.metadata };
  subscription.description = record.subscriptionData.description;
  subscription.default_payment_method = pm.id;
  subscription.automatic_tax.enabled = session.automatic_tax.enabled;
  store.subscriptions.set(subscription.id, subscription);
  const amount = trial ? 0 : (price.unit_amount ?? 0) * line.quantity;
  const invoice = issueInvoice(store, subscription, { amount, reason: "subscription_create", period, at: now });

  const draft = { ...structuredClone(invoice), status: "draft", number: null, hosted_invoice_url: null };
  emit(
    store,
    "invoice.created",
    { ...draft, status_transitions: { ...draft.status_transitions, finalized_at: null } },
    {
      request,
    },
  );
  emit(store, "customer.subscription.created", subscription, { request });
  emit(store, "invoice.finalized", invoice, { request });
  if (!trial)
    changeSubscription(
      store,
      subscription,
      "customer.subscription.updated",
      () => void (subscription.status = "active"),
      request,
    );
  markPaid(invoice, now);
  emit(store, "invoice.paid", invoice, { request });
  emit(store, "invoice.payment_succeeded", invoice, { request });

  session.status = "complete";
  session.payment_status = trial ? "no_payment_required" : "paid";
  session.subscription = subscription.id;
  session.url = null;
  session.customer_details = {
    address: customer.address,
    business_name: null,
    email: customer.email,
    individual_name: null,
    name: payer.name ?? customer.name,
    phone: customer.phone,
    tax_exempt: "none",
    tax_ids: [],
  };
  emit(store, "checkout.session.completed", session, { request });
}
