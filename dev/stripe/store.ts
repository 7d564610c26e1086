// All state of one stand-in process. Nothing is persisted: a restart is a
// fresh Stripe test account with only the seed in it.
import type { StripeEvent } from "./events.ts";
import type { Fault } from "./faults.ts";
import { IdempotencyCache } from "./idempotency.ts";
import type { ConfigurationObject, CustomerObject, JsonObject } from "./objects.ts";
import type { SeedBilling } from "./seed-billing.ts";
import { newConfiguration, newCustomer, nowSeconds, reproducibly } from "./objects.ts";
import type { WebhookEndpoint } from "./webhooks.ts";
import { WebhookDispatcher } from "./webhooks.ts";
import type { InvoiceObject, PaymentMethodObject, SubscriptionObject } from "./wire.ts";

// Billing fields (seed-billing.ts) are applied once the server knows its own URL.
export type SeedCustomer = {
  id: string;
  name: string;
  email?: string;
  metadata?: Record<string, string>;
  deleted?: boolean;
} & SeedBilling;

export type CustomerEntry = { customer: CustomerObject; deleted: boolean };

export type SessionRecord = {
  session: JsonObject & { id: string; customer: string; url: string };
  secret: string;
  createdMs: number;
  customerName: string | null;
  flowType: string | null;
};

export type Store = {
  // What the store started from; POST /__control/reset builds the store afresh from it.
  start: StoreStart;
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
  idempotency: IdempotencyCache;
  // Where this server is reachable; hosted invoice URLs point at it.
  baseUrl: string;
  // Billing objects, in creation order.
  subscriptions: Map<string, SubscriptionObject>;
  invoices: Map<string, InvoiceObject>;
  paymentMethods: Map<string, PaymentMethodObject>;
  events: StripeEvent[];
  lastEventCreated: number;
  webhooks: WebhookDispatcher;
};

type StoreOptions = {
  customers: SeedCustomer[];
  defaultConfiguration: boolean;
  ttlSeconds: number;
  webhook?: WebhookEndpoint | null;
  log?: (line: string) => void;
  // The clock of everything seeded; a reset passes the first start's, so nothing moves.
  seededAt?: number;
};
export type StoreStart = StoreOptions & { seededAt: number };

export function createStore(options: StoreOptions): Store {
  const start: StoreStart = { ...options, seededAt: options.seededAt ?? nowSeconds() };
  const defaults = reproducibly("default-configuration", start.seededAt, () => newConfiguration({ isDefault: true }));
  const store: Store = {
    start,
    customers: new Map(),
    configurations: new Map([[defaults.id, defaults]]),
    defaultConfigurationId: defaults.id,
    defaultEnabled: options.defaultConfiguration,
    sessions: [],
    sessionsBySecret: new Map(),
    ttlSeconds: options.ttlSeconds,
    calls: new Map(),
    total: 0,
    sessionsCreated: 0,
    faults: [],
    idempotency: new IdempotencyCache(),
    baseUrl: "",
    subscriptions: new Map(),
    invoices: new Map(),
    paymentMethods: new Map(),
    events: [],
    lastEventCreated: 0,
    webhooks: new WebhookDispatcher(options.webhook ?? null, options.log ?? (() => {})),
  };
  for (const seed of options.customers) reproducibly(seed.id, start.seededAt, () => putSeedCustomer(store, seed));
  return store;
}

export function putSeedCustomer(store: Store, seed: SeedCustomer): CustomerObject {
  const customer = newCustomer(seed.id);
  customer.name = seed.name;
  customer.email = seed.email ?? null;
  customer.metadata = { ...seed.metadata };
  store.customers.set(seed.id, { customer, deleted: seed.deleted ?? false });
  return customer;
}

export function liveCustomer(store: Store, id: string): CustomerObject | undefined {
  const entry = store.customers.get(id);
  return entry && !entry.deleted ? entry.customer : undefined;
}

export function findConfiguration(store: Store, id: string): ConfigurationObject | undefined {
  if (id === store.defaultConfigurationId && !store.defaultEnabled) return undefined;
  return store.configurations.get(id);
}

export function defaultConfiguration(store: Store): ConfigurationObject | undefined {
  return findConfiguration(store, store.defaultConfigurationId);
}

// Newest first, as Stripe lists.
export function visibleConfigurations(store: Store): ConfigurationObject[] {
  return [...store.configurations.values()].filter((c) => findConfiguration(store, c.id)).reverse();
}

export function countCall(store: Store, key: string, isApi: boolean): void {
  store.calls.set(key, (store.calls.get(key) ?? 0) + 1);
  if (isApi) store.total += 1;
}

export function resetCounters(store: Store): void {
  store.calls.clear();
  store.total = 0;
  store.sessionsCreated = 0;
}

export function isExpired(store: Store, record: SessionRecord, nowMs = Date.now()): boolean {
  return nowMs >= record.createdMs + store.ttlSeconds * 1000;
}
