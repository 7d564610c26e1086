// /__control/*: plain-JSON hooks for tests to read counters, queue faults and
// arrange state. Not part of Stripe's API, so no auth and no Stripe envelopes.
import type { IncomingMessage, ServerResponse } from "node:http";
import { BillingError } from "./billing.ts";
import { billingControl } from "./control-billing.ts";
import { describeFault, parseFault } from "./faults.ts";
import { readBody, sendJson } from "./http.ts";
import { deletedCustomer } from "./objects.ts";
import { PAGE_VIEW_KEY } from "./portal-routes.ts";
import { clearBilling, parseSeedBilling, seedBilling, seedStartBilling } from "./seed-billing.ts";
import type { SeedCustomer, Store } from "./store.ts";
import { createStore, putSeedCustomer, resetCounters } from "./store.ts";

class BadRequest extends Error {}

function parseJson(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new BadRequest("body must be a JSON object");
}

function counters(store: Store) {
  const calls = Object.fromEntries([...store.calls.entries()].sort(([a], [b]) => a.localeCompare(b)));
  return {
    calls,
    total: store.total,
    sessionsCreated: store.sessionsCreated,
    pageViews: store.calls.get(PAGE_VIEW_KEY) ?? 0,
  };
}

const config = (store: Store) => ({
  defaultConfiguration: store.defaultEnabled,
  defaultConfigurationId: store.defaultConfigurationId,
  sessionTtlSeconds: store.ttlSeconds,
});

function updateConfig(store: Store, body: Record<string, unknown>) {
  const { defaultConfiguration, sessionTtlSeconds } = body;
  if (defaultConfiguration !== undefined && typeof defaultConfiguration !== "boolean")
    throw new BadRequest("defaultConfiguration must be a boolean");
  if (sessionTtlSeconds !== undefined && (typeof sessionTtlSeconds !== "number" || sessionTtlSeconds < 0))
    throw new BadRequest("sessionTtlSeconds must be a non-negative number");
  if (defaultConfiguration !== undefined) store.defaultEnabled = defaultConfiguration;
  if (sessionTtlSeconds !== undefined) store.ttlSeconds = sessionTtlSeconds;
  return config(store);
}

function seedCustomer(store: Store, body: Record<string, unknown>) {
  const { id, name, email, metadata, deleted } = body;
  if (typeof id !== "string" || id === "") throw new BadRequest("id must be a non-empty string");
  if (typeof name !== "string") throw new BadRequest("name must be a string");
  if (email !== undefined && typeof email !== "string") throw new BadRequest("email must be a string");
  if (deleted !== undefined && typeof deleted !== "boolean") throw new BadRequest("deleted must be a boolean");
  const validMetadata =
    typeof metadata === "object" && metadata !== null && Object.values(metadata).every((v) => typeof v === "string");
  if (metadata !== undefined && !validMetadata) throw new BadRequest("metadata must be an object of strings");
  let billing;
  try {
    billing = parseSeedBilling(body);
  } catch (error) {
    throw new BadRequest((error as Error).message);
  }
  const seed: SeedCustomer = { id, name, email, metadata: metadata as Record<string, string> | undefined, deleted };
  clearBilling(store, id);
  const customer = putSeedCustomer(store, seed);
  if (deleted) return deletedCustomer(id);
  seedBilling(store, customer, billing);
  return customer;
}

// The state just after start: the seed (same ids), start config, no faults, sessions or events,
// zero counters. Deliveries still queued are dropped and one on the wire is waited for, so none
// reaches the app after the reset. Every Store field comes from createStore, new ones included,
// except the event clock: an event made after a reset is never older than one made before.
async function resetToStart(store: Store): Promise<void> {
  await store.webhooks.close();
  const fresh = createStore(store.start);
  fresh.baseUrl = store.baseUrl;
  fresh.lastEventCreated = store.lastEventCreated;
  Object.assign(store, fresh);
  seedStartBilling(store);
}

// A bare array, newest last: tests read it as the list of portal sessions created.
function sessions(store: Store) {
  return store.sessions.map(({ session, flowType, createdMs }) => ({
    id: session.id,
    customer: session.customer,
    return_url: session.return_url,
    configuration:
      typeof session.configuration === "string"
        ? session.configuration
        : (session.configuration as { id?: unknown } | null)?.id,
    locale: session.locale,
    flow_type: flowType,
    created: session.created,
    url: session.url,
    expires_at_ms: createdMs + store.ttlSeconds * 1000,
  }));
}

async function route(
  store: Store,
  method: string,
  path: string,
  body: Record<string, unknown>,
): Promise<[number, unknown]> {
  const endpoint = `${method} ${path}`;
  switch (endpoint) {
    case "GET /__control/counters":
      return [200, counters(store)];
    case "DELETE /__control/counters":
      resetCounters(store);
      return [200, counters(store)];
    case "POST /__control/reset":
      await resetToStart(store);
      return [200, counters(store)];
    case "GET /__control/faults":
      return [200, { faults: store.faults.map(describeFault) }];
    case "POST /__control/faults": {
      let fault;
      try {
        fault = parseFault(body);
      } catch (error) {
        throw new BadRequest((error as Error).message);
      }
      store.faults.push(fault);
      return [201, { fault: describeFault(fault), faults: store.faults.map(describeFault) }];
    }
    case "DELETE /__control/faults":
      store.faults.length = 0;
      return [200, { faults: [] }];
    case "GET /__control/config":
      return [200, config(store)];
    case "POST /__control/config":
      return [200, updateConfig(store, body)];
    case "GET /__control/sessions":
      return [200, sessions(store)];
    case "POST /__control/customers":
      return [201, seedCustomer(store, body)];
    default:
      return [404, { error: `No control endpoint ${endpoint}` }];
  }
}

export async function handleControl(store: Store, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  try {
    const body = parseJson(await readBody(req));
    const method = req.method ?? "GET";
    const [status, value] =
      (await billingControl(store, method, url.pathname, body)) ?? (await route(store, method, url.pathname, body));
    sendJson(res, status, value);
  } catch (error) {
    if (!(error instanceof BadRequest) && !(error instanceof BillingError)) throw error;
    sendJson(res, 400, { error: error.message });
  }
}
