// The stand-in's state: the store, events, faults and seeds. A leaf with objects.ts: neither
// imports anything else of the stand-in, so every other part can depend on them without cycles.
import type {
  CardBrand,
  CheckoutSessionObject,
  ConfigurationObject,
  CustomerObject,
  InvoiceObject,
  PaymentMethodObject,
  PortalSessionObject,
  PriceObject,
  ProductObject,
  SubscriptionObject,
  WebhookEndpointObject,
} from "./objects.ts";

export type * from "./objects.ts";

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
// a first attempt with an invalid signature, or (drop) lost: failed at once and never retried.
export type WebhookFault = { mode: "duplicate" | "reverse" | "fail_first" | "drop"; count: number; remaining: number };
// `enabledEvents` as a webhook endpoint's `enabled_events`: event types, or "*" for all.
export type WebhookEndpoint = { url: string; secret: string; enabledEvents?: string[] };
// A /v1/webhook_endpoints object and the secret that signs what is sent to it.
export type EndpointEntry = { endpoint: WebhookEndpointObject; secret: string };

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

// A Checkout Session and what its page needs that the session object does not echo.
export type CheckoutRecord = {
  session: CheckoutSessionObject;
  lines: Array<{ price: string; quantity: number }>;
  subscriptionData: { metadata: Record<string, string>; trialDays: number | null; description: string | null };
  // The create parameters as received, for tests to read back (GET /__control/checkout-sessions).
  params: unknown;
  declines: number;
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

// "dropped": lost on purpose (a drop fault), nothing was sent.
export type DeliveryAttempt = { status: number | "error" | "dropped"; at: number; signature: "valid" | "invalid" };
export type DeliveryLog = {
  event: string;
  type: string;
  endpoint: string;
  attempts: DeliveryAttempt[];
  delivered: boolean;
};

export interface WebhookQueue {
  readonly faults: WebhookFault[];
  // Host -> origin to send to instead, as `curl --resolve` would: an endpoint keeps the public URL
  // Stripe requires while its deliveries reach a local receiver.
  readonly resolve: Map<string, string>;
  // The enabled endpoints an event of this type goes to, by id.
  targets(type: string): string[];
  submit(event: StripeEvent, targets: string[]): void;
  deliveries(): DeliveryLog[];
  flush(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
  // Held: events queue up undelivered (recorded, as Stripe records them) until released.
  readonly holding: boolean;
  hold(): void;
  release(): void;
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
  products: Map<string, ProductObject>;
  prices: Map<string, PriceObject>;
  checkoutSessions: Map<string, CheckoutRecord>;
  events: StripeEvent[];
  // Newest last; the one POST /__control/webhook manages (the start option's), if any.
  webhookEndpoints: Map<string, EndpointEntry>;
  controlEndpointId: string | null;
  webhooks: WebhookQueue;
  log: (line: string) => void;
};
