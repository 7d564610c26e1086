// Billing state helpers shared by the seed, the portal's actions and the simulated lifecycle:
// lookups, invoicing, and changes that emit the event Stripe sends for them.
import type { BillingReason } from "../objects/invoice.ts";
import { itemOf } from "../objects/subscription.ts";
import { markPaid, newInvoice } from "../objects/invoice.ts";
import type { Period } from "../objects/subscription.ts";
import { liveCustomer } from "../state/store.ts";
import type {
  CustomerObject,
  EventRequest,
  InvoiceObject,
  PaymentMethodObject,
  Store,
  StripeEvent,
  SubscriptionObject,
} from "../state/types.ts";
import { emit } from "../webhooks/emit.ts";
import { periodName, planName } from "./catalog.ts";

// A refused action; its message is shown to whoever asked (page or control caller).
export class BillingError extends Error {}

export function subscriptionsOf(store: Store, customerId: string): SubscriptionObject[] {
  return [...store.subscriptions.values()].filter((s) => s.customer === customerId);
}

// The subscription the portal shows and actions act on by default: the newest one not canceled.
export function primarySubscription(store: Store, customerId: string): SubscriptionObject | undefined {
  return subscriptionsOf(store, customerId)
    .filter((s) => s.status !== "canceled")
    .at(-1);
}

export function defaultCard(store: Store, customer: CustomerObject): PaymentMethodObject | undefined {
  const id = customer.invoice_settings.default_payment_method;
  return typeof id === "string" ? store.paymentMethods.get(id) : undefined;
}

export function customerOf(store: Store, subscription: SubscriptionObject): CustomerObject {
  const customer = store.customers.get(subscription.customer)?.customer;
  if (!customer) throw new BillingError(`No such customer: '${subscription.customer}'`);
  return customer;
}

export function requireCustomer(store: Store, id: unknown): CustomerObject {
  const customer = typeof id === "string" ? liveCustomer(store, id) : undefined;
  if (!customer) throw new BillingError(`No such customer: '${String(id)}'`);
  return customer;
}

type InvoiceSpec = { amount: number; reason: BillingReason; period: Period; at: number; proration?: boolean };

// A finalized (open) invoice for the subscription, which becomes its latest invoice.
export function issueInvoice(store: Store, subscription: SubscriptionObject, spec: InvoiceSpec): InvoiceObject {
  const invoice = newInvoice({
    customer: customerOf(store, subscription),
    subscription,
    amount: spec.amount,
    billingReason: spec.reason,
    period: spec.period,
    created: spec.at,
    baseUrl: store.baseUrl,
    planName: planName(store, itemOf(subscription).price.id),
    interval: periodName(itemOf(subscription).price),
    proration: spec.proration,
  });
  store.invoices.set(invoice.id, invoice);
  subscription.latest_invoice = invoice.id;
  return invoice;
}

// An invoice Stripe finalizes and charges successfully: invoice.finalized, then invoice.paid.
export function chargeInvoice(store: Store, invoice: InvoiceObject, at: number, request?: EventRequest): StripeEvent[] {
  const finalized = emit(store, "invoice.finalized", invoice, { request });
  markPaid(invoice, at);
  return [finalized, emit(store, "invoice.paid", invoice, { request })];
}

// Applies `change` and records the event; *.updated events carry previous_attributes.
export function changeSubscription(
  store: Store,
  subscription: SubscriptionObject,
  type: string,
  change: () => void,
  request?: EventRequest,
): StripeEvent {
  const before = structuredClone(subscription);
  change();
  return emit(store, type, subscription, {
    request,
    before: type === "customer.subscription.updated" ? before : undefined,
  });
}

export function changeCustomer(
  store: Store,
  customer: CustomerObject,
  change: () => void,
  request?: EventRequest,
): StripeEvent {
  const before = structuredClone(customer);
  change();
  return emit(store, "customer.updated", customer, { request, before });
}

export function openInvoiceOf(store: Store, subscription: SubscriptionObject): InvoiceObject | undefined {
  const latest = subscription.latest_invoice ? store.invoices.get(subscription.latest_invoice) : undefined;
  return latest?.status === "open" ? latest : undefined;
}

export function invoicesOf(store: Store, customerId: string): InvoiceObject[] {
  return [...store.invoices.values()].filter((i) => i.customer === customerId);
}
