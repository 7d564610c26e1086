// The objects the stand-in serves, typed after the SDK's own types for the pinned API version,
// as they travel on the wire. A leaf, like types.ts.
import type Stripe from "stripe";

// Primitives go first: the SDK's open enums (`string & {}`) would otherwise map as objects.
// Decimals stay the strings Stripe sends; the SDK turns them into its Decimal class on the way in.
export type Wire<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends Stripe.Decimal
    ? string
    : T extends ReadonlyArray<infer U>
      ? Wire<U>[]
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

// Narrows some fields of an object type (an intersection would intersect arrays, and `.map` would see the wider one).
type Override<T, U> = Omit<T, keyof U> & U;

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

// Stored objects keep their references as ids; expansion happens on the way out.
export type PriceObject = Override<Wire<Stripe.Price>, { product: string }>;
export type ProductObject = Override<Wire<Stripe.Product>, { default_price: string | null }>;
export type SubscriptionItemObject = Override<Wire<Stripe.SubscriptionItem>, { price: PriceObject }>;
export type SubscriptionObject = Override<
  Wire<Stripe.Subscription>,
  {
    customer: string;
    default_payment_method: string | null;
    latest_invoice: string | null;
    items: { object: "list"; data: SubscriptionItemObject[]; has_more: boolean; url: string };
  }
>;
export type InvoiceObject = Override<
  Wire<Stripe.Invoice>,
  {
    customer: string;
    number: string;
    hosted_invoice_url: string;
    status: "open" | "paid";
    parent: {
      quote_details: null;
      subscription_details: { metadata: Stripe.Metadata | null; subscription: string };
      type: "subscription_details";
    };
  }
>;
export type CardBrand = "visa" | "mastercard" | "amex";
export type PaymentMethodObject = Override<
  Wire<Stripe.PaymentMethod>,
  { customer: string | null; card: Override<Wire<Stripe.PaymentMethod.Card>, { brand: CardBrand }> }
>;
export type Address = {
  city: string | null;
  country: string | null;
  line1: string | null;
  line2: string | null;
  postal_code: string | null;
  state: string | null;
};
export type CustomerObject = {
  id: string;
  object: "customer";
  address: Address | null;
  balance: number;
  business_name?: string;
  created: number;
  currency: string | null;
  customer_account: string | null;
  default_source: string | null;
  delinquent: boolean;
  description: string | null;
  discount: null;
  email: string | null;
  individual_name?: string;
  invoice_prefix: string;
  invoice_settings: {
    custom_fields: null;
    default_payment_method: string | null;
    footer: null;
    rendering_options: null;
  };
  livemode: false;
  metadata: Record<string, string>;
  name: string | null;
  next_invoice_sequence: number;
  phone: string | null;
  preferred_locales: string[];
  shipping: { address: Address | null; name: string | null; phone: string | null } | null;
  tax_exempt: string;
  test_clock: string | null;
};
// `secret` is stored apart (see EndpointEntry): Stripe answers it only to the create call.
export type WebhookEndpointObject = Omit<Wire<Stripe.WebhookEndpoint>, "secret" | "deleted">;
export type ConfigurationObject = JsonObject & {
  id: string;
  is_default: boolean;
  active: boolean;
  created: number;
  default_return_url: string | null;
};
export type PortalSessionObject = {
  id: string;
  object: "billing_portal.session";
  after_expiration?: JsonObject;
  configuration: string;
  created: number;
  customer: string;
  customer_account: string | null;
  flow: JsonObject | null;
  livemode: false;
  locale: string | null;
  on_behalf_of: string | null;
  return_url: string | null;
  url: string;
};
// A Checkout Session as stored: what it made stays ids, expanded on the way out.
export type CheckoutSessionObject = Override<
  Wire<Stripe.Checkout.Session>,
  { customer: string | null; subscription: string | null; invoice: string | null; line_items?: never }
>;
