// Checkout Session objects of the pinned API version, hosted mode. The `url` opens this server's
// Checkout page (hosted/checkout.ts) and, as at Stripe, is there only while the session is open.
import type { CheckoutSessionObject } from "../state/types.ts";
import { nowSeconds, randomId } from "./ids.ts";

export type NewCheckoutSession = {
  baseUrl: string;
  created?: number;
  expiresAt: number;
  mode: "subscription";
  customer: string | null;
  customerEmail: string | null;
  clientReferenceId: string | null;
  successUrl: string;
  cancelUrl: string | null;
  metadata: Record<string, string>;
  currency: string;
  amountSubtotal: number;
  amountTotal: number;
  allowPromotionCodes: boolean | null;
  automaticTax: boolean;
  taxIdCollection: { enabled: boolean; required: "if_supported" | "never" } | null;
  billingAddressCollection: "auto" | "required" | null;
  locale: string | null;
  paymentMethodCollection: "always" | "if_required";
};

// Stripe's session ids: cs_test_ and 58 characters, starting "a1".
export const checkoutSessionId = () => randomId("cs_test_a1", 56);

export const checkoutUrl = (baseUrl: string, id: string) => `${baseUrl}/c/pay/${id}`;

export function newCheckoutSession(spec: NewCheckoutSession): CheckoutSessionObject {
  const id = checkoutSessionId();
  return {
    id,
    object: "checkout.session",
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: spec.allowPromotionCodes,
    allowed_payment_method_types: null,
    amount_subtotal: spec.amountSubtotal,
    amount_total: spec.amountTotal,
    automatic_tax: {
      enabled: spec.automaticTax,
      liability: spec.automaticTax ? { type: "self" } : null,
      provider: spec.automaticTax ? "stripe" : null,
      status: spec.automaticTax ? "requires_location_inputs" : null,
    },
    billing_address_collection: spec.billingAddressCollection,
    cancel_url: spec.cancelUrl,
    client_reference_id: spec.clientReferenceId,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: spec.created ?? nowSeconds(),
    currency: spec.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: spec.customer,
    customer_account: null,
    customer_creation: spec.customer ? null : "always",
    customer_details: null,
    customer_email: spec.customerEmail,
    discounts: [],
    expires_at: spec.expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: spec.locale as CheckoutSessionObject["locale"],
    managed_payments: null,
    metadata: spec.metadata,
    mode: spec.mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: spec.paymentMethodCollection,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ["card"],
    payment_status: "unpaid",
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: {
      allow_redisplay_filters: ["always"],
      payment_method_remove: null,
      payment_method_save: null,
    },
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: "open",
    submit_type: null,
    subscription: null,
    success_url: spec.successUrl,
    ...(spec.taxIdCollection && { tax_id_collection: spec.taxIdCollection }),
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted_page",
    url: checkoutUrl(spec.baseUrl, id),
    wallet_options: null,
  };
}

/** Where Stripe sends the person after paying: the success URL with the session id filled in. */
export const successRedirect = (session: CheckoutSessionObject) =>
  (session.success_url ?? "").replaceAll("{CHECKOUT_SESSION_ID}", session.id);
