// Card payment methods, and the test cards the hosted portal offers.
import type { CardBrand, CardSpec, PaymentMethodObject } from "../state/types.ts";
import { randomId } from "./ids.ts";

export const BRAND_NAMES: Record<CardBrand, string> = { visa: "Visa", mastercard: "Mastercard", amex: "Amex" };

// Stripe's test card numbers end in these digits (4242 4242 4242 4242, 5555 5555 5555 4444, 3782 822463 10005).
export const TEST_CARDS: CardSpec[] = [
  { brand: "visa", last4: "4242", expMonth: 12, expYear: new Date().getUTCFullYear() + 3 },
  { brand: "mastercard", last4: "4444", expMonth: 12, expYear: new Date().getUTCFullYear() + 3 },
  { brand: "amex", last4: "0005", expMonth: 12, expYear: new Date().getUTCFullYear() + 3 },
];

export const cardLabel = (pm: PaymentMethodObject) => `${BRAND_NAMES[pm.card.brand]} •••• ${pm.card.last4}`;

export function newCard(spec: CardSpec, customer: string | null, created: number): PaymentMethodObject {
  return {
    id: randomId("pm_", 24),
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: null,
      name: null,
      phone: null,
      tax_id: null,
    },
    card: {
      brand: spec.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: "US",
      display_brand: spec.brand === "amex" ? "american_express" : spec.brand,
      exp_month: spec.expMonth,
      exp_year: spec.expYear,
      // The same card number always has the same fingerprint.
      fingerprint: `fp${spec.brand}${spec.last4}`.slice(0, 16),
      funding: "credit",
      generated_from: null,
      last4: spec.last4,
      networks: { available: [spec.brand], preferred: null },
      regulated_status: "unregulated",
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created,
    customer,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: "card",
  };
}
