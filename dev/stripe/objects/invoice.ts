// Invoice objects: one subscription line each, already finalized (open) or
// paid. Drafts never show here because nothing in the stand-in edits them.
import type { CustomerObject, InvoiceObject, SubscriptionObject } from "../state/types.ts";
import { randomId } from "./ids.ts";
import type { Period } from "./subscription.ts";
import { itemOf } from "./subscription.ts";

export type BillingReason = "subscription_create" | "subscription_cycle" | "subscription_update";

export type NewInvoice = {
  customer: CustomerObject;
  subscription: SubscriptionObject;
  amount: number;
  billingReason: BillingReason;
  // The service period the line pays for.
  period: Period;
  created: number;
  baseUrl: string;
  // What the line is called: the price's nickname or its product's name.
  planName: string;
  // "month", "year": the price's period as the line reads it.
  interval: string;
  proration?: boolean;
};

function money(amount: number): string {
  return `$${(amount / 100).toFixed(2)}`;
}

// Stripe numbers invoices per customer: `<invoice_prefix>-<sequence>`.
function nextNumber(customer: CustomerObject): string {
  const sequence = customer.next_invoice_sequence;
  customer.next_invoice_sequence = sequence + 1;
  return `${customer.invoice_prefix}-${String(sequence).padStart(4, "0")}`;
}

export function newInvoice(spec: NewInvoice): InvoiceObject {
  const id = randomId("in_", 24);
  const item = itemOf(spec.subscription);
  const { amount, created } = spec;
  const description = spec.proration
    ? `Remaining time on ${spec.planName} after ${new Date(created * 1000).toISOString().slice(0, 10)}`
    : `${item.quantity ?? 1} × ${spec.planName} (at ${money(item.price.unit_amount ?? 0)} / ${spec.interval})`;
  const line = {
    id: randomId("il_", 24),
    object: "line_item" as const,
    amount,
    currency: "usd",
    description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: id,
    livemode: false,
    metadata: {},
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: spec.proration ?? false,
        proration_details: { credited_items: null },
        subscription: spec.subscription.id,
        subscription_item: item.id,
      },
      type: "subscription_item_details",
    },
    period: { end: spec.period.end, start: spec.period.start },
    pretax_credit_amounts: [],
    pricing: {
      price_details: { price: item.price.id, product: item.price.product },
      type: "price_details" as const,
      unit_amount_decimal: String(amount),
    },
    quantity: 1,
    quantity_decimal: "1",
    subscription: spec.subscription.id,
    subtotal: amount,
    taxes: [],
  };
  const { customer } = spec;
  return {
    id,
    object: "invoice",
    account_country: "US",
    account_name: "Stripe stand-in",
    account_tax_ids: null,
    amount_due: amount,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: amount,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: spec.billingReason,
    collection_method: "charge_automatically",
    created,
    currency: "usd",
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address,
    customer_email: customer.email,
    customer_name: customer.name,
    customer_phone: customer.phone,
    customer_shipping: null,
    customer_tax_exempt: "none",
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: created,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: `${spec.baseUrl}/i/${id}`,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: "list", data: [line], has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: nextNumber(customer),
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: { metadata: { ...spec.subscription.metadata }, subscription: spec.subscription.id },
      type: "subscription_details",
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    // Subscription invoices collect no pending items, so their own period is the instant they were made.
    period_end: created,
    period_start: created,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: "open",
    status_transitions: { finalized_at: created, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: amount,
    subtotal_excluding_tax: amount,
    test_clock: null,
    total: amount,
    total_discount_amounts: [],
    total_excluding_tax: amount,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: created,
  };
}

export function markPaid(invoice: InvoiceObject, at: number): void {
  invoice.status = "paid";
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.attempt_count += 1;
  invoice.attempted = true;
  invoice.auto_advance = false;
  invoice.next_payment_attempt = null;
  invoice.status_transitions.paid_at = at;
}

// A declined charge: the invoice stays open and Smart Retries schedule another attempt.
export function markPaymentFailed(invoice: InvoiceObject, at: number): void {
  invoice.attempt_count += 1;
  invoice.attempted = true;
  invoice.next_payment_attempt = at + 3 * 24 * 60 * 60;
}

export const formatMoney = money;
