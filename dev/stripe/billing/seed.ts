// Billing history for seeded customers: a card, a subscription and past paid
// invoices, as if the customer had been subscribed for a while. Seeding is
// arranging state, not something Stripe did, so it emits no events.
import { reproducibly, nowSeconds } from "../objects/ids.ts";
import { markPaid, markPaymentFailed } from "../objects/invoice.ts";
import { newCard } from "../objects/payment-method.ts";
import type { Period } from "../objects/subscription.ts";
import { DAY, addMonths, newSubscription } from "../objects/subscription.ts";
import type { CustomerObject, SeedBilling, Store } from "../state/types.ts";
import { findPrice } from "./catalog.ts";
import { issueInvoice } from "./ops.ts";

const monthly = (anchor: number, offset: number): Period => ({
  start: addMonths(anchor, offset),
  end: addMonths(anchor, offset + 1),
});

export function seedBilling(store: Store, customer: CustomerObject, seed: SeedBilling): void {
  const now = nowSeconds();
  if (seed.paymentMethod) {
    const card = newCard(seed.paymentMethod, customer.id, customer.created);
    store.paymentMethods.set(card.id, card);
    customer.invoice_settings.default_payment_method = card.id;
  }
  if (!seed.subscription) return;
  const spec = seed.subscription;
  const price = findPrice(store, spec.price);
  if (!price) throw new Error(`unknown price ${spec.price}`);
  const status = spec.status ?? "active";
  const paidCount = seed.invoices ?? 0;
  // A paying subscription is 20 days into its current month; a trial starts now.
  const trial = status === "trialing" ? { start: now, end: now + (spec.trialDays ?? 14) * DAY } : null;
  const anchor = trial ? trial.start : now - 20 * DAY;
  const current = trial ?? monthly(anchor, 0);
  // Paid months end with the current one, except that a past_due subscription owes the current one and a trial has not paid yet.
  const firstPaid = status === "active" ? 1 - paidCount : -paidCount;
  const created = paidCount > 0 ? addMonths(anchor, firstPaid) : anchor;
  const subscription = newSubscription({ customer: customer.id, price, status, created, period: current, trial });
  store.subscriptions.set(subscription.id, subscription);
  for (let offset = firstPaid; offset < firstPaid + paidCount; offset += 1) {
    const period = monthly(anchor, offset);
    const invoice = issueInvoice(store, subscription, {
      amount: price.unit_amount ?? 0,
      reason: offset === firstPaid ? "subscription_create" : "subscription_cycle",
      period,
      at: period.start,
    });
    markPaid(invoice, period.start);
  }
  if (status === "past_due") {
    const invoice = issueInvoice(store, subscription, {
      amount: price.unit_amount ?? 0,
      reason: "subscription_cycle",
      period: current,
      at: current.start,
    });
    markPaymentFailed(invoice, current.start);
  }
  if (spec.cancelAtPeriodEnd) {
    subscription.cancel_at_period_end = true;
    subscription.cancel_at = current.end;
    subscription.canceled_at = now;
    subscription.cancellation_details = {
      comment: null,
      feedback: null,
      feedback_option: null,
      reason: "cancellation_requested",
    };
  }
}

// Seeding a customer again through the control endpoint starts its billing afresh.
export function clearBilling(store: Store, customerId: string): void {
  for (const map of [store.subscriptions, store.invoices, store.paymentMethods]) {
    for (const [id, object] of map) if (object.customer === customerId) map.delete(id);
  }
}

// The start seed's billing, once the server knows its URL (invoices link to its pages). Ids and
// times derive from the seed, so a reset recreates the objects the app's database already holds.
export function seedStartBilling(store: Store): void {
  for (const seed of store.start.customers) {
    const entry = store.customers.get(seed.id);
    if (!entry || entry.deleted) continue;
    reproducibly(`${seed.id}/billing`, store.start.seededAt, () => seedBilling(store, entry.customer, seed));
  }
}
