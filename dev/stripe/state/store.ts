// All state of one stand-in process. Nothing is persisted: a restart is a fresh Stripe test
// account with only the seed in it.
import { activePrices } from "../billing/catalog.ts";
import { seedCatalog } from "../objects/catalog.ts";
import { dashboardConfiguration } from "../objects/configuration.ts";
import { newCustomer } from "../objects/customer.ts";
import { nowSeconds, reproducibly } from "../objects/ids.ts";
import { startEndpoint } from "../objects/webhook-endpoint.ts";
import { WebhookDispatcher } from "../webhooks/deliver.ts";
import { IdempotencyCache } from "../wire/idempotency.ts";
import type {
  ConfigurationObject,
  CustomerObject,
  EndpointEntry,
  SeedCustomer,
  SessionRecord,
  Store,
  StoreStart,
} from "./types.ts";

export type StoreOptions = Omit<StoreStart, "seededAt"> & {
  apiKey: string;
  log: (line: string) => void;
  // A reset passes the first start's, so nothing seeded moves.
  seededAt?: number;
};

// Seeded objects get ids and times derived from the seed (see reproducibly), billing included
// once the server knows its URL (billing/seed.ts).
export function createStore(options: StoreOptions): Store {
  const { apiKey, log, ...rest } = options;
  const start: StoreStart = { ...rest, seededAt: options.seededAt ?? nowSeconds() };
  const catalog = seedCatalog();
  // The dashboard's default configuration offers the seed's live plans for "Change plan".
  const plans = activePrices(catalog).map((price) => ({ product: price.product, price: price.id }));
  const defaults = reproducibly("default-configuration", start.seededAt, () => dashboardConfiguration(plans));
  const spec = start.webhook;
  const webhook = spec ? reproducibly("start-webhook-endpoint", start.seededAt, () => startEndpoint(spec)) : null;
  const webhookEndpoints = new Map<string, EndpointEntry>(webhook ? [[webhook.endpoint.id, webhook]] : []);
  const store: Store = {
    start,
    apiKey,
    customers: new Map(),
    configurations: new Map([[defaults.id, defaults]]),
    defaultConfigurationId: defaults.id,
    defaultEnabled: start.defaultConfiguration,
    sessions: [],
    sessionsBySecret: new Map(),
    ttlSeconds: start.ttlSeconds,
    calls: new Map(),
    total: 0,
    sessionsCreated: 0,
    faults: [],
    idempotency: new IdempotencyCache(),
    baseUrl: "",
    subscriptions: new Map(),
    invoices: new Map(),
    paymentMethods: new Map(),
    ...catalog,
    checkoutSessions: new Map(),
    events: [],
    webhookEndpoints,
    controlEndpointId: webhook?.endpoint.id ?? null,
    webhooks: new WebhookDispatcher(webhookEndpoints, log),
    log,
  };
  for (const seed of start.customers) reproducibly(seed.id, start.seededAt, () => putSeedCustomer(store, seed));
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

export const defaultConfiguration = (store: Store) => findConfiguration(store, store.defaultConfigurationId);

export function countCall(store: Store, key: string, isApi: boolean): void {
  store.calls.set(key, (store.calls.get(key) ?? 0) + 1);
  if (isApi) store.total += 1;
}

export function resetCounters(store: Store): void {
  store.calls.clear();
  store.total = 0;
  store.sessionsCreated = 0;
}

export const isExpired = (store: Store, record: SessionRecord, nowMs = Date.now()) =>
  nowMs >= record.createdMs + store.ttlSeconds * 1000;
