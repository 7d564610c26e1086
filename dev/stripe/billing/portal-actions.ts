// What the hosted portal's buttons do to billing state, with the events
// Stripe sends for each. The portal cancels "at period end" (the default
// portal configuration's mode) and charges plan changes right away.
import { nowSeconds, randomId } from "../objects/ids.ts";
import { markPaid } from "../objects/invoice.ts";
import { newCard } from "../objects/payment-method.ts";
import { itemOf, periodOf, setPrice } from "../objects/subscription.ts";
import type { CardSpec, CustomerObject, EventRequest, Store, StripeEvent, SubscriptionObject } from "../state/types.ts";
import { emit } from "../webhooks/emit.ts";
import {
  BillingError,
  changeCustomer,
  changeSubscription,
  chargeInvoice,
  issueInvoice,
  openInvoiceOf,
  subscriptionsOf,
} from "./ops.ts";
import { findPrice } from "./catalog.ts";

// Portal actions are requests the customer made, so their events name one.
export const portalRequest = (): EventRequest => ({ id: randomId("req_", 14), idempotency_key: null });

function requireChangeable(subscription: SubscriptionObject): void {
  if (subscription.status === "canceled") throw new BillingError("This subscription has already been canceled.");
}

export function cancelAtPeriodEnd(
  store: Store,
  subscription: SubscriptionObject,
  request: EventRequest,
): StripeEvent[] {
  requireChangeable(subscription);
  if (subscription.cancel_at_period_end) return [];
  const now = nowSeconds();
  return [
    changeSubscription(
      store,
      subscription,
      "customer.subscription.updated",
      () => {
        subscription.cancel_at_period_end = true;
        subscription.cancel_at = periodOf(subscription).end;
        subscription.canceled_at = now;
        subscription.cancellation_details = {
          comment: null,
          feedback: null,
          feedback_option: null,
          reason: "cancellation_requested",
        };
      },
      request,
    ),
  ];
}

// Switches the item's price and charges the prorated difference for the rest of the period at once.
export function changePlan(
  store: Store,
  subscription: SubscriptionObject,
  priceId: string,
  request: EventRequest,
): StripeEvent[] {
  requireChangeable(subscription);
  const price = findPrice(store, priceId);
  if (!price?.active) throw new BillingError(`No such price: '${priceId}'`);
  const oldPrice = itemOf(subscription).price;
  if (oldPrice.id === price.id) return [];
  const now = nowSeconds();
  const period = periodOf(subscription);
  const updated = changeSubscription(
    store,
    subscription,
    "customer.subscription.updated",
    () => setPrice(subscription, price),
    request,
  );
  const left = Math.min(1, Math.max(0, (period.end - now) / Math.max(1, period.end - period.start)));
  // A downgrade would be a credit to the customer balance at Stripe; here it is simply a $0 invoice.
  const amount = Math.max(0, Math.round(((price.unit_amount ?? 0) - (oldPrice.unit_amount ?? 0)) * left));
  const invoice = issueInvoice(store, subscription, {
    amount,
    reason: "subscription_update",
    period: { start: now, end: period.end },
    at: now,
    proration: true,
  });
  return [updated, ...chargeInvoice(store, invoice, now, request)];
}

// Attaches a new card and makes it the default; a past_due subscription's open invoice is then paid with it.
export function updateCard(
  store: Store,
  customer: CustomerObject,
  card: CardSpec,
  request: EventRequest,
): StripeEvent[] {
  const now = nowSeconds();
  const pm = newCard(card, customer.id, now);
  store.paymentMethods.set(pm.id, pm);
  const events = [emit(store, "payment_method.attached", pm, { request })];
  events.push(
    changeCustomer(store, customer, () => void (customer.invoice_settings.default_payment_method = pm.id), request),
  );
  for (const subscription of subscriptionsOf(store, customer.id).filter((s) => s.status === "past_due")) {
    const invoice = openInvoiceOf(store, subscription);
    if (invoice) {
      markPaid(invoice, now);
      events.push(emit(store, "invoice.paid", invoice, { request }));
    }
    events.push(
      changeSubscription(
        store,
        subscription,
        "customer.subscription.updated",
        () => void (subscription.status = "active"),
        request,
      ),
    );
  }
  return events;
}
