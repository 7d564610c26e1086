// Subscription objects of the pinned API version: one item per subscription,
// and the billing period lives on that item (current_period_start/end), not
// on the subscription.
import type { PriceObject, SubscriptionItemObject, SubscriptionObject } from "../state/types.ts";
import { planOf } from "./catalog.ts";
import { randomId } from "./ids.ts";

export const DAY = 24 * 60 * 60;

// Calendar months in UTC, as Stripe bills monthly prices (Jan 31 + 1 month = end of Feb).
export function addMonths(seconds: number, months: number): number {
  const date = new Date(seconds * 1000);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return Math.floor(date.getTime() / 1000);
}

export type Period = { start: number; end: number };

// One billing period of a recurring price from `start`: calendar months and years, or days and weeks.
export function periodFrom(start: number, recurring: PriceObject["recurring"]): Period {
  const count = recurring?.interval_count ?? 1;
  const interval = recurring?.interval ?? "month";
  if (interval === "month" || interval === "year")
    return { start, end: addMonths(start, interval === "year" ? 12 * count : count) };
  return { start, end: start + (interval === "week" ? 7 : 1) * count * DAY };
}

function newItem(
  subscriptionId: string,
  price: PriceObject,
  period: Period,
  created: number,
  quantity: number,
): SubscriptionItemObject {
  return {
    id: randomId("si_", 14),
    object: "subscription_item",
    billing_thresholds: null,
    created,
    current_period_end: period.end,
    current_period_start: period.start,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planOf(price),
    price,
    quantity,
    subscription: subscriptionId,
    tax_rates: [],
  };
}

export type NewSubscription = {
  customer: string;
  price: PriceObject;
  status: "active" | "trialing" | "past_due" | "incomplete";
  created: number;
  quantity?: number;
  period: Period;
  trial: Period | null;
};

export function newSubscription(spec: NewSubscription): SubscriptionObject {
  const id = randomId("sub_", 24);
  return {
    id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: spec.period.start,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: { proration_discounts: "itemized" }, type: "flexible", updated_at: spec.created },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: "charge_automatically",
    created: spec.created,
    currency: spec.price.currency,
    customer: spec.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: "self" },
    },
    items: {
      object: "list",
      data: [newItem(id, spec.price, spec.period, spec.created, spec.quantity ?? 1)],
      has_more: false,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: {},
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: "off" },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: spec.created,
    status: spec.status,
    test_clock: null,
    transfer_data: null,
    trial_end: spec.trial?.end ?? null,
    trial_settings: { end_behavior: { billing_cycle_anchor: null, missing_payment_method: "create_invoice" } },
    trial_start: spec.trial?.start ?? null,
  };
}

// The one item every subscription here has.
export function itemOf(subscription: SubscriptionObject): SubscriptionItemObject {
  const item = subscription.items.data[0];
  if (!item) throw new Error(`subscription ${subscription.id} has no item`);
  return item;
}

export function setPeriod(subscription: SubscriptionObject, period: Period): void {
  const item = itemOf(subscription);
  item.current_period_start = period.start;
  item.current_period_end = period.end;
}

export function setPrice(subscription: SubscriptionObject, price: PriceObject): void {
  const item = itemOf(subscription);
  item.price = price;
  item.plan = planOf(price);
}

export const periodOf = (subscription: SubscriptionObject): Period => {
  const item = itemOf(subscription);
  return { start: item.current_period_start, end: item.current_period_end };
};

// Stripe's list default hides canceled subscriptions; `all` and `ended` widen it.
export function matchesStatus(subscription: SubscriptionObject, wanted: string | undefined): boolean {
  if (wanted === undefined) return subscription.status !== "canceled" && subscription.status !== "incomplete_expired";
  if (wanted === "all") return true;
  if (wanted === "ended") return subscription.status === "canceled" || subscription.status === "incomplete_expired";
  return subscription.status === wanted;
}
