// POST /__control/simulate: billing moments that happen at Stripe without any API call (a
// renewal, a declined charge, a cancellation taking effect, a card or metadata changed in the
// dashboard), each with the events Stripe sends for it. There is no clock to advance, so a
// renewal starts the new period now.
import {
  BillingError,
  changeCustomer,
  changeSubscription,
  chargeInvoice,
  defaultCard,
  issueInvoice,
  openInvoiceOf,
  primarySubscription,
  requireCustomer,
} from "../billing/ops.ts";
import { nowSeconds } from "../objects/ids.ts";
import { markPaymentFailed } from "../objects/invoice.ts";
import { addMonths, itemOf, setPeriod } from "../objects/subscription.ts";
import type { CustomerObject, Store, StripeEvent, SubscriptionObject } from "../state/types.ts";
import { emit } from "../webhooks/emit.ts";

export const SIMULATE_ACTIONS = ["payment_failed", "renew", "cancel_now", "detach_card", "set_metadata"] as const;
export type Simulation = {
  customer: string;
  action: (typeof SIMULATE_ACTIONS)[number];
  subscription?: string;
  // set_metadata: "" or null removes a key.
  metadata?: Record<string, string | null>;
};

function target(store: Store, customer: CustomerObject, id: string | undefined, allowed: string[]): SubscriptionObject {
  const subscription = id === undefined ? primarySubscription(store, customer.id) : store.subscriptions.get(id);
  if (!subscription || subscription.customer !== customer.id) {
    throw new BillingError(
      id === undefined
        ? `Customer ${customer.id} has no subscription that is not canceled`
        : `No such subscription: '${id}'`,
    );
  }
  if (!allowed.includes(subscription.status))
    throw new BillingError(
      `Subscription ${subscription.id} is ${subscription.status}; this needs ${allowed.join(" or ")}`,
    );
  return subscription;
}

// Charges the next month: paid, or an open invoice whose charge was declined.
function renewal(store: Store, subscription: SubscriptionObject, paid: boolean): StripeEvent[] {
  const now = nowSeconds();
  const period = { start: now, end: addMonths(now, 1) };
  const amount = itemOf(subscription).price.unit_amount ?? 0;
  const invoice = issueInvoice(store, subscription, { amount, reason: "subscription_cycle", period, at: now });
  let events: StripeEvent[];
  if (paid) events = chargeInvoice(store, invoice, now);
  else {
    const finalized = emit(store, "invoice.finalized", invoice);
    markPaymentFailed(invoice, now);
    events = [finalized, emit(store, "invoice.payment_failed", invoice)];
  }
  const updated = changeSubscription(store, subscription, "customer.subscription.updated", () => {
    setPeriod(subscription, period);
    subscription.status = paid ? "active" : "past_due";
  });
  return [...events, updated];
}

function endNow(store: Store, subscription: SubscriptionObject): StripeEvent {
  const now = nowSeconds();
  return changeSubscription(store, subscription, "customer.subscription.deleted", () => {
    subscription.status = "canceled";
    subscription.canceled_at ??= now;
    subscription.ended_at = now;
    subscription.cancellation_details = {
      comment: null,
      feedback: null,
      feedback_option: null,
      reason: "cancellation_requested",
    };
  });
}

function detachCard(store: Store, customer: CustomerObject): StripeEvent[] {
  const card = defaultCard(store, customer);
  if (!card) throw new BillingError(`Customer ${customer.id} has no default payment method`);
  const before = structuredClone(card);
  card.customer = null;
  const detached = emit(store, "payment_method.detached", card, { before });
  const unset = () => void (customer.invoice_settings.default_payment_method = null);
  return [detached, changeCustomer(store, customer, unset)];
}

function setMetadata(store: Store, customer: CustomerObject, patch: Simulation["metadata"]): StripeEvent[] {
  if (!patch) throw new BillingError("set_metadata needs metadata, an object of strings");
  const apply = () => {
    const next = { ...customer.metadata };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null || value === "") delete next[key];
      else next[key] = value;
    }
    customer.metadata = next;
  };
  return [changeCustomer(store, customer, apply)];
}

export function simulate(
  store: Store,
  { customer: customerId, action, subscription: id, metadata }: Simulation,
): StripeEvent[] {
  const customer = requireCustomer(store, customerId);
  switch (action) {
    case "payment_failed": {
      const subscription = target(store, customer, id, ["active", "trialing", "past_due"]);
      const open = openInvoiceOf(store, subscription);
      // Already past due: this is Smart Retries failing again on the same invoice.
      if (subscription.status === "past_due" && open) {
        markPaymentFailed(open, nowSeconds());
        return [emit(store, "invoice.payment_failed", open)];
      }
      return renewal(store, subscription, false);
    }
    case "renew": {
      const subscription = target(store, customer, id, ["active", "trialing"]);
      // At the end of a period set to cancel, Stripe ends the subscription instead of renewing it.
      return subscription.cancel_at_period_end ? [endNow(store, subscription)] : renewal(store, subscription, true);
    }
    case "cancel_now":
      return [endNow(store, target(store, customer, id, ["active", "trialing", "past_due", "paused"]))];
    case "detach_card":
      return detachCard(store, customer);
    case "set_metadata":
      return setMetadata(store, customer, metadata);
  }
}
