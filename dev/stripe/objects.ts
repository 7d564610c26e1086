// Wire shapes of the objects this stand-in serves, following the SDK's types
// for the pinned API version and shared/reference/stripe-fixtures3.json (tests/fixtures/stripe-reference.json holds the parts the tests compare).
import { createHash, randomBytes, randomInt } from "node:crypto";

const ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Where ids and the clock come from; `reproducibly` swaps both while it seeds.
let draw = (n: number) => randomInt(n);
let frozenSeconds: number | null = null;

export function randomId(prefix: string, length: number, alphabet = ALNUM): string {
  let out = "";
  for (let i = 0; i < length; i += 1) out += alphabet[draw(alphabet.length)];
  return `${prefix}${out}`;
}

export const nowSeconds = () => frozenSeconds ?? Math.floor(Date.now() / 1000);

/**
 * Runs `build` with ids derived from `key` and the clock stopped at `atSeconds`, so that seeding
 * again after a reset recreates the same objects with the same ids (the app's database, seeded
 * from the first run, keeps pointing at them). `build` must be synchronous: the swap is global.
 */
export function reproducibly<T>(key: string, atSeconds: number, build: () => T): T {
  const saved = { draw, frozenSeconds };
  let counter = 0;
  draw = (n) => createHash("sha256").update(`${key}\0${counter++}`).digest().readUInt32BE(0) % n;
  frozenSeconds = atSeconds;
  try {
    return build();
  } finally {
    ({ draw, frozenSeconds } = saved);
  }
}

// Hard to guess on purpose: the hosted page grants access to whoever holds the URL.
export const portalSecret = () => `test_${randomBytes(48).toString("base64url")}`;

// What Stripe reports when a request names no version, and what events are rendered in: the account's pinned one.
export const ACCOUNT_API_VERSION = "2026-10-28.endive";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

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
  invoice_settings: JsonObject;
  livemode: false;
  metadata: Record<string, string>;
  name: string | null;
  next_invoice_sequence: number;
  phone: string | null;
  preferred_locales: string[];
  shipping: JsonObject | null;
  tax_exempt: string;
  test_clock: string | null;
};

export function newCustomer(id: string): CustomerObject {
  return {
    id,
    object: "customer",
    address: null,
    balance: 0,
    created: nowSeconds(),
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: randomId("", 8, "0123456789ABCDEF"),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
}

export const deletedCustomer = (id: string) => ({ id, object: "customer", deleted: true });

export type ConfigurationObject = JsonObject & { id: string; is_default: boolean; active: boolean; created: number };

// What a dashboard-saved default portal configuration looks like.
export const defaultFeatures = (): JsonObject => ({
  customer_update: { allowed_updates: ["email", "address", "shipping", "phone", "tax_id"], enabled: true },
  invoice_history: { enabled: true },
  payment_method_update: { enabled: true, payment_method_configuration: null },
  subscription_cancel: {
    cancellation_reason: { enabled: false, feedback_options: null, options: [] },
    enabled: true,
    mode: "at_period_end",
    proration_behavior: "none",
  },
  subscription_pause: { duration: { interval_options: [], type: "indefinite" }, enabled: false },
  subscription_update: {
    billing_cycle_anchor: null,
    default_allowed_updates: [],
    enabled: false,
    proration_behavior: "none",
    schedule_at_period_end: { conditions: [] },
    trial_update_behavior: "end_trial",
  },
});

export function newConfiguration(
  fields: { isDefault: boolean; features?: JsonObject } & Partial<Record<string, Json>>,
): ConfigurationObject {
  const created = nowSeconds();
  const { isDefault, features, ...rest } = fields;
  return {
    id: randomId("bpc_", 24),
    object: "billing_portal.configuration",
    active: true,
    application: null,
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    created,
    default_return_url: null,
    features: features ?? defaultFeatures(),
    is_default: isDefault,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: {},
    name: null,
    updated: created,
    ...(rest as JsonObject),
  };
}

export function listObject<T>(url: string, data: T[], hasMore: boolean) {
  return { object: "list", data, has_more: hasMore, url };
}
