// /__control/*: plain-JSON hooks for tests to read counters, queue faults and arrange state.
// Not part of Stripe's API, so no auth and no Stripe envelopes: a refused body is a 400 `{ error }`.
import type { Context } from "hono";
import { Hono } from "hono";
import type { z } from "zod";
import { BillingError } from "../billing/ops.ts";
import { clearBilling, seedBilling } from "../billing/seed.ts";
import { PAGE_VIEW_KEY } from "../hosted/portal.ts";
import { deletedCustomer } from "../objects/customer.ts";
import { putSeedCustomer, resetCounters } from "../state/store.ts";
import type { Fault, Store } from "../state/types.ts";
import { describeEvent } from "../webhooks/emit.ts";
import { checkoutControlRoutes } from "./checkout.ts";
import { describeFault } from "./faults.ts";
import { resetToStart } from "./reset.ts";
import {
  ageEventsBody,
  configBody,
  faultBody,
  resolveBody,
  seedCustomerBody,
  simulateBody,
  webhookBody,
  webhookFaultBody,
} from "./schemas.ts";
import { simulate } from "./simulate.ts";
import { ageEvents, controlEndpoint, setControlEndpoint } from "./webhooks.ts";

const FLUSH_TIMEOUT_MS = 10_000;

class BadRequest extends Error {}

async function read<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let value: unknown = {};
  try {
    if (text.trim() !== "") value = JSON.parse(text);
  } catch {
    throw new BadRequest("body must be a JSON object");
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new BadRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
}

const counters = (store: Store) => ({
  calls: Object.fromEntries([...store.calls.entries()].sort(([a], [b]) => a.localeCompare(b))),
  total: store.total,
  sessionsCreated: store.sessionsCreated,
  pageViews: store.calls.get(PAGE_VIEW_KEY) ?? 0,
});

const config = (store: Store) => ({
  defaultConfiguration: store.defaultEnabled,
  defaultConfigurationId: store.defaultConfigurationId,
  sessionTtlSeconds: store.ttlSeconds,
});

// A bare array, newest last: tests read it as the list of portal sessions created.
const sessions = (store: Store) =>
  store.sessions.map(({ session, flowType, createdMs }) => ({
    id: session.id,
    customer: session.customer,
    return_url: session.return_url,
    configuration: session.configuration,
    locale: session.locale,
    flow_type: flowType,
    created: session.created,
    url: session.url,
    expires_at_ms: createdMs + store.ttlSeconds * 1000,
  }));

let nextFaultId = 1;

export function controlRoutes(store: Store): Hono {
  const control = new Hono();
  control.onError((error, c) => {
    if (error instanceof BadRequest || error instanceof BillingError) return c.json({ error: error.message }, 400);
    throw error;
  });

  control.get("/counters", (c) => c.json(counters(store)));
  control.delete("/counters", (c) => (resetCounters(store), c.json(counters(store))));
  control.post("/reset", async (c) => (await resetToStart(store), c.json(counters(store))));

  control.get("/faults", (c) => c.json({ faults: store.faults.map(describeFault) }));
  control.post("/faults", async (c) => {
    const { count, ...spec } = await read(c, faultBody);
    const fault: Fault = { id: nextFaultId++, remaining: count, ...spec };
    store.faults.push(fault);
    return c.json({ fault: describeFault(fault), faults: store.faults.map(describeFault) }, 201);
  });
  control.delete("/faults", (c) => ((store.faults.length = 0), c.json({ faults: [] })));

  control.get("/config", (c) => c.json(config(store)));
  control.post("/config", async (c) => {
    const { defaultConfiguration, sessionTtlSeconds } = await read(c, configBody);
    store.defaultEnabled = defaultConfiguration ?? store.defaultEnabled;
    store.ttlSeconds = sessionTtlSeconds ?? store.ttlSeconds;
    return c.json(config(store));
  });

  control.get("/sessions", (c) => c.json(sessions(store)));

  // Seeding a customer again starts its billing afresh.
  control.post("/customers", async (c) => {
    const seed = await read(c, seedCustomerBody);
    clearBilling(store, seed.id);
    const customer = putSeedCustomer(store, seed);
    if (seed.deleted) return c.json(deletedCustomer(seed.id), 201);
    seedBilling(store, customer, seed);
    return c.json(customer, 201);
  });

  control.get("/webhook", (c) => c.json(controlEndpoint(store)));
  control.post("/webhook", async (c) => {
    const endpoint = await read(c, webhookBody);
    setControlEndpoint(store, endpoint.url === null ? null : endpoint);
    return c.json(endpoint);
  });
  control.post("/resolve", async (c) => {
    const { host, to } = await read(c, resolveBody);
    if (to === null) store.webhooks.resolve.delete(host);
    else store.webhooks.resolve.set(host, new URL(to).origin);
    return c.json(Object.fromEntries(store.webhooks.resolve));
  });
  control.get("/webhook-faults", (c) => c.json({ faults: store.webhooks.faults }));
  control.post("/webhook-faults", async (c) => {
    const { mode, count } = await read(c, webhookFaultBody);
    const fault = { mode, count, remaining: count };
    store.webhooks.faults.push(fault);
    return c.json({ fault, faults: store.webhooks.faults }, 201);
  });
  control.delete("/webhook-faults", (c) => ((store.webhooks.faults.length = 0), c.json({ faults: [] })));

  control.post("/simulate", async (c) =>
    c.json({ events: simulate(store, await read(c, simulateBody)).map(describeEvent) }),
  );
  control.get("/events", (c) => c.json(store.events.map(describeEvent)));
  control.post("/events/age", async (c) => {
    const { seconds, events } = await read(c, ageEventsBody);
    return c.json({ aged: ageEvents(store, seconds, events) });
  });
  control.get("/deliveries", (c) => c.json(store.webhooks.deliveries()));
  control.post("/flush", async (c) =>
    (await store.webhooks.flush(FLUSH_TIMEOUT_MS))
      ? c.json({ flushed: true })
      : c.json({ flushed: false, error: `deliveries still pending after ${FLUSH_TIMEOUT_MS / 1000} s` }, 504),
  );
  checkoutControlRoutes(control, store);
  // Last, so it answers only what nothing above does (a mounted app's notFound is never asked).
  control.all("*", (c) => c.json({ error: `No control endpoint ${c.req.method} ${c.req.path}` }, 404));
  return control;
}
