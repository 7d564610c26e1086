// Object types of the pinned API version, as they travel on the wire. The
// SDK's types say what every field is, but it turns decimal strings into its
// own Decimal class on the way in; here they are still the strings Stripe sends.
import type Stripe from "stripe";

// Primitives go first: the SDK's open enums (`string & {}`) would otherwise map as objects.
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

export type PaymentMethodObject = Override<
  Wire<Stripe.PaymentMethod>,
  {
    customer: string | null;
    card: Override<Wire<Stripe.PaymentMethod.Card>, { brand: CardBrand }>;
  }
>;

export type CardBrand = "visa" | "mastercard" | "amex";
