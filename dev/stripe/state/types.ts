// The stand-in's state and object types. A leaf: it imports nothing of the stand-in, so every
// other part can depend on it without cycles. Objects are typed after the SDK's own types for
// the pinned API version, as they travel on the wire.
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

export type EventRequest = { id: string | null; idempotency_key: string | null };
export type StripeEvent = {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  data: { object: unknown; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: EventRequest;
  type: string;
};

// Injected API failures, each for the next `count` calls it matches. `status` answers before the
// request runs; with `afterExecute` the request runs first and its answer is replaced (and stored
// under its idempotency key, as Stripe stores a 500 that happened while executing).
export type Fault = {
  id: number;
  mode: "status" | "drop" | "latency";
  remaining: number;
  status?: number;
  afterExecute?: boolean;
  headers?: Record<string, string>;
  body?: unknown;
  ms?: number;
  path?: string;
  method?: string;
};

// Delivery faults, one per event: a second delivery once acknowledged, held then sent newest first,
// or a first attempt with an invalid signature.
export type WebhookFault = { mode: "duplicate" | "reverse" | "fail_first"; count: number; remaining: number };
// `enabledEvents` as a webhook endpoint's `enabled_events`: event types, or "*" for all.
export type WebhookEndpoint = { url: string; secret: string; enabledEvents?: string[] };

export type SeedSubscription = {
  price: string;
  status?: "active" | "trialing" | "past_due";
  trialDays?: number;
  cancelAtPeriodEnd?: boolean;
};
export type CardSpec = { brand: CardBrand; last4: string; expMonth: number; expYear: number };
export type SeedBilling = { subscription?: SeedSubscription; paymentMethod?: CardSpec; invoices?: number };
export type SeedCustomer = {
  id: string;
  name: string;
  email?: string;
  metadata?: Record<string, string>;
  deleted?: boolean;
} & SeedBilling;

export type CustomerEntry = { customer: CustomerObject; deleted: boolean };

export type SessionRecord = {
  session: PortalSessionObject;
  secret: string;
  createdMs: number;
  customerName: string | null;
  flowType: string | null;
};

// What the store was started with; POST /__control/reset builds the store afresh from it.
export type StoreStart = {
  customers: SeedCustomer[];
  defaultConfiguration: boolean;
  ttlSeconds: number;
  webhook: WebhookEndpoint | null;
  // The clock of everything seeded, so a reset recreates the same objects at the same times.
  seededAt: number;
};

export type StoredResponse = { status: number; body: string; headers: Record<string, string>; requestId: string };

export interface IdempotencyLayer {
  lookup(key: string, endpoint: string, fingerprint: string): IdempotencyLookup;
  begin(key: string, endpoint: string, fingerprint: string): void;
  finish(key: string, response: StoredResponse | null): void;
}
export type IdempotencyLookup =
  | { kind: "new" }
  | { kind: "in-flight" }
  | { kind: "replay"; response: StoredResponse }
  | { kind: "endpoint-mismatch"; firstEndpoint: string }
  | { kind: "params-mismatch" };

export type DeliveryAttempt = { status: number | "error"; at: number; signature: "valid" | "invalid" };
export type DeliveryLog = { event: string; type: string; attempts: DeliveryAttempt[]; delivered: boolean };

export interface WebhookQueue {
  endpoint: WebhookEndpoint | null;
  readonly faults: WebhookFault[];
  wants(type: string): boolean;
  submit(event: StripeEvent): void;
  deliveries(): DeliveryLog[];
  flush(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export type Store = {
  start: StoreStart;
  apiKey: string;
  customers: Map<string, CustomerEntry>;
  configurations: Map<string, ConfigurationObject>;
  // The dashboard default survives being "removed" so restoring it keeps its id.
  defaultConfigurationId: string;
  defaultEnabled: boolean;
  sessions: SessionRecord[];
  sessionsBySecret: Map<string, SessionRecord>;
  ttlSeconds: number;
  calls: Map<string, number>;
  total: number;
  sessionsCreated: number;
  faults: Fault[];
  idempotency: IdempotencyLayer;
  // Where this server is reachable; hosted invoice and portal URLs point at it.
  baseUrl: string;
  // Billing objects, in creation order.
  subscriptions: Map<string, SubscriptionObject>;
  invoices: Map<string, InvoiceObject>;
  paymentMethods: Map<string, PaymentMethodObject>;
  events: StripeEvent[];
  webhooks: WebhookQueue;
  log: (line: string) => void;
};
