// POST /__control/simulate: billing lifecycle moments that happen at Stripe
// without any API call (renewals, failed charges, trial reminders, ...), each
// with the events Stripe sends for it. There is no clock to advance, so a
// renewal starts the new period now.
import type { StripeEvent } from "./events.ts";
import { emit } from "./events.ts";
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
} from "./billing.ts";
import { findPrice } from "./catalog.ts";
import { markPaymentFailed } from "./invoice-object.ts";
import type { CustomerObject } from "./objects.ts";
import { nowSeconds } from "./objects.ts";
import { addMonths, itemOf, newSubscription, setPeriod } from "./subscription-object.ts";
import type { Store } from "./store.ts";
import type { SubscriptionObject } from "./wire.ts";

type Body = Record<string, unknown>;

export const SIMULATE_ACTIONS = [
  "payment_failed",
  "renew",
  "trial_will_end",
  "cancel_now",
  "pause",
  "resume",
  "subscribe",
  "detach_card",
  "set_metadata",
];

function target(store: Store, customer: CustomerObject, body: Body, allowed: readonly string[]): SubscriptionObject {
  const id = body.subscription;
  const subscription = typeof id === "string" ? store.subscriptions.get(id) : primarySubscription(store, customer.id);
  if (!subscription || subscription.customer !== customer.id) {
    throw new BillingError(
      typeof id === "string"
        ? `No such subscription: '${id}'`
        : `Customer ${customer.id} has no subscription that is not canceled`,
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
  const invoice = issueInvoice(store, subscription, {
    amount: itemOf(subscription).price.unit_amount ?? 0,
    reason: "subscription_cycle",
    period,
    at: now,
  });
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

function subscribe(store: Store, customer: CustomerObject, body: Body): StripeEvent[] {
  const price = typeof body.price === "string" ? findPrice(body.price) : undefined;
  if (!price) throw new BillingError("subscribe needs price, a catalog price id");
  const now = nowSeconds();
  const subscription = newSubscription({
    customer: customer.id,
    price,
    status: "active",
    created: now,
    period: { start: now, end: addMonths(now, 1) },
    trial: null,
  });
  store.subscriptions.set(subscription.id, subscription);
  const invoice = issueInvoice(store, subscription, {
    amount: price.unit_amount ?? 0,
    reason: "subscription_create",
    period: { start: now, end: addMonths(now, 1) },
    at: now,
  });
  return [emit(store, "customer.subscription.created", subscription), ...chargeInvoice(store, invoice, now)];
}

function detachCard(store: Store, customer: CustomerObject): StripeEvent[] {
  const card = defaultCard(store, customer);
  if (!card) throw new BillingError(`Customer ${customer.id} has no default payment method`);
  const before = structuredClone(card);
  card.customer = null;
  const detached = emit(store, "payment_method.detached", card, { before });
  return [
    detached,
    changeCustomer(store, customer, () => void (customer.invoice_settings.default_payment_method = null)),
  ];
}

function setMetadata(store: Store, customer: CustomerObject, body: Body): StripeEvent[] {
  const patch = body.metadata;
  const valid =
    typeof patch === "object" &&
    patch !== null &&
    !Array.isArray(patch) &&
    Object.values(patch).every((v) => typeof v === "string" || v === null);
  if (!valid) throw new BillingError('set_metadata needs metadata, an object of strings ("" or null removes a key)');
  return [
    changeCustomer(store, customer, () => {
      const next = { ...customer.metadata };
      for (const [key, value] of Object.entries(patch as Record<string, string | null>)) {
        if (value === null || value === "") delete next[key];
        else next[key] = value;
      }
      customer.metadata = next;
    }),
  ];
}

export function simulate(store: Store, body: Body): StripeEvent[] {
  const customer = requireCustomer(store, body.customer);
  switch (body.action) {
    case "payment_failed": {
      const subscription = target(store, customer, body, ["active", "trialing", "past_due"]);
      const open = openInvoiceOf(store, subscription);
      // Already past due: this is Smart Retries failing again on the same invoice.
      if (subscription.status === "past_due" && open) {
        markPaymentFailed(open, nowSeconds());
        return [emit(store, "invoice.payment_failed", open)];
      }
      return renewal(store, subscription, false);
    }
    case "renew": {
      const subscription = target(store, customer, body, ["active", "trialing"]);
      // At the end of a period set to cancel, Stripe ends the subscription instead of renewing it.
      return subscription.cancel_at_period_end ? [endNow(store, subscription)] : renewal(store, subscription, true);
    }
    case "trial_will_end":
      return [emit(store, "customer.subscription.trial_will_end", target(store, customer, body, ["trialing"]))];
    case "cancel_now":
      return [endNow(store, target(store, customer, body, ["active", "trialing", "past_due", "paused"]))];
    case "pause": {
      const subscription = target(store, customer, body, ["active", "trialing"]);
      return [
        changeSubscription(
          store,
          subscription,
          "customer.subscription.paused",
          () => void (subscription.status = "paused"),
        ),
      ];
    }
    case "resume": {
      const subscription = target(store, customer, body, ["paused"]);
      return [
        changeSubscription(
          store,
          subscription,
          "customer.subscription.resumed",
          () => void (subscription.status = "active"),
        ),
      ];
    }
    case "subscribe":
      return subscribe(store, customer, body);
    case "detach_card":
      return detachCard(store, customer);
    case "set_metadata":
      return setMetadata(store, customer, body);
    default:
      throw new BillingError(`action must be one of ${SIMULATE_ACTIONS.join(", ")}`);
  }
}
