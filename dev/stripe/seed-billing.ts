// Billing history for seeded customers: a card, a subscription and past paid
// invoices, as if the customer had been subscribed for a while. Seeding is
// arranging state, not something Stripe did, so it emits no events.
import { issueInvoice } from "./billing.ts";
import { findPrice } from "./catalog.ts";
import { markPaid, markPaymentFailed } from "./invoice-object.ts";
import type { CustomerObject } from "./objects.ts";
import { nowSeconds, reproducibly } from "./objects.ts";
import { newCard } from "./payment-method-object.ts";
import type { Period } from "./subscription-object.ts";
import { DAY, addMonths, newSubscription } from "./subscription-object.ts";
import type { Store } from "./store.ts";
import type { CardBrand } from "./wire.ts";

export type SeedSubscription = {
  price: string;
  status?: "active" | "trialing" | "past_due";
  trialDays?: number;
  cancelAtPeriodEnd?: boolean;
};
export type SeedPaymentMethod = { brand: CardBrand; last4: string; expMonth: number; expYear: number };
export type SeedBilling = { subscription?: SeedSubscription; paymentMethod?: SeedPaymentMethod; invoices?: number };

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
  const price = findPrice(spec.price);
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

// The start seed's billing, once the server knows its URL (invoices link to its pages). Ids and
// times derive from the seed, so a reset recreates the objects the app's database already holds.
export function seedStartBilling(store: Store): void {
  for (const seed of store.start.customers) {
    const entry = store.customers.get(seed.id);
    if (!entry || entry.deleted) continue;
    reproducibly(`${seed.id}/billing`, store.start.seededAt, () => seedBilling(store, entry.customer, seed));
  }
}

// Seeding a customer again through the control endpoint starts its billing afresh.
export function clearBilling(store: Store, customerId: string): void {
  for (const map of [store.subscriptions, store.invoices, store.paymentMethods]) {
    for (const [id, object] of map) if (object.customer === customerId) map.delete(id);
  }
}

// The same fields from a control request body; throws a plain Error the endpoint turns into a 400.
export function parseSeedBilling(body: Record<string, unknown>): SeedBilling {
  const out: SeedBilling = {};
  const { subscription, paymentMethod, invoices } = body;
  if (invoices !== undefined) {
    if (typeof invoices !== "number" || !Number.isInteger(invoices) || invoices < 0 || invoices > 120)
      throw new Error("invoices must be an integer from 0 to 120");
    out.invoices = invoices;
  }
  if (paymentMethod !== undefined) {
    const pm = paymentMethod as Record<string, unknown>;
    const valid =
      typeof pm === "object" &&
      pm !== null &&
      ["visa", "mastercard", "amex"].includes(pm.brand as string) &&
      typeof pm.last4 === "string" &&
      /^\d{4}$/.test(pm.last4) &&
      Number.isInteger(pm.expMonth) &&
      Number.isInteger(pm.expYear);
    if (!valid)
      throw new Error("paymentMethod must be { brand: visa|mastercard|amex, last4: 4 digits, expMonth, expYear }");
    out.paymentMethod = pm as SeedPaymentMethod;
  }
  if (subscription !== undefined) {
    const sub = subscription as Record<string, unknown>;
    if (typeof sub !== "object" || sub === null || typeof sub.price !== "string" || !findPrice(sub.price))
      throw new Error("subscription.price must be a catalog price id");
    if (sub.status !== undefined && !["active", "trialing", "past_due"].includes(sub.status as string))
      throw new Error("subscription.status must be active, trialing or past_due");
    if (sub.trialDays !== undefined && (!Number.isInteger(sub.trialDays) || (sub.trialDays as number) < 1))
      throw new Error("subscription.trialDays must be a positive integer");
    if (sub.cancelAtPeriodEnd !== undefined && typeof sub.cancelAtPeriodEnd !== "boolean")
      throw new Error("subscription.cancelAtPeriodEnd must be a boolean");
    out.subscription = sub as SeedSubscription;
  }
  return out;
}
