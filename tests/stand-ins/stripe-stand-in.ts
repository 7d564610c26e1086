// The Stripe stand-in as tests drive it: started on a free port, the official SDK pointed at it,
// and its /__control endpoints (counters, faults, seeding, simulated billing moments, deliveries).
import Stripe from "stripe";
import { expect } from "vitest";
import { LOCAL_STRIPE_KEY } from "../../dev/local-stack.ts";
import { startStripeStandIn, type StripeStandIn, type StripeStandInOptions } from "../../dev/stripe/server.ts";

export type TestStripe = StripeStandIn & {
  control: StripeControl;
  /** The official SDK with the stand-in's own key. */
  sdk(options?: Stripe.StripeConfig): Stripe;
};

/** The stand-in on a free port of 127.0.0.1; close() it when done. */
export async function startTestStripe(opts: Omit<StripeStandInOptions, "port"> = {}): Promise<TestStripe> {
  const standIn = await startStripeStandIn({ port: 0, ...opts });
  return {
    ...standIn,
    control: stripeControl(standIn.url),
    sdk: (options) => sdkFor(standIn.url, opts.apiKey ?? LOCAL_STRIPE_KEY, options),
  };
}

/** The official SDK over plain HTTP to a stand-in. Retries are the SDK's (2, each POST with an idempotency key) unless `options` say otherwise. */
export function sdkFor(baseUrl: string, key: string, options: Stripe.StripeConfig = {}): Stripe {
  const base = new URL(baseUrl);
  return new Stripe(key, { host: base.hostname, port: Number(base.port), protocol: "http", ...options });
}

export type StripeControl = ReturnType<typeof stripeControl>;
export type ControlEvent = { id: string; type: string; created: number; object: string | null };

export function stripeControl(baseUrl: string) {
  /** One /__control call; an answer other than `expectedStatus` (any 2xx if none is given) fails the test. */
  async function call<T = unknown>(method: string, path: string, body?: unknown, expectedStatus?: number): Promise<T> {
    const res = await fetch(`${baseUrl}/__control/${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (expectedStatus === undefined)
      expect(res.ok, `${method} /__control/${path} -> ${res.status} ${text}`).toBe(true);
    else expect(res.status).toBe(expectedStatus);
    return JSON.parse(text) as T;
  }
  return {
    call,
    /** Calls received since the last reset, by route: `{ "GET /v1/customers/:id": 2 }`. */
    calls: async () => (await call<{ calls: Record<string, number> }>("GET", "counters")).calls,
    /** Zeroes the counters and drops queued faults; the stand-in's objects stay. */
    reset: async () => {
      await call("DELETE", "counters");
      await call("DELETE", "faults");
    },
    /** The whole stand-in back to its state just after start: seed, endpoints, configurations, no events. */
    resetToStart: () => call("POST", "reset"),
    seedCustomer: (customer: Record<string, unknown>) => call("POST", "customers", customer),
    simulate: (customer: string, action: string, extra: Record<string, unknown> = {}) =>
      call<{ events: ControlEvent[] }>("POST", "simulate", { customer, action, ...extra }),
    fault: (fault: {
      path: string;
      method?: string;
      mode: "status" | "latency" | "drop";
      status?: number;
      ms?: number;
      count?: number;
    }) => call("POST", "faults", fault),
    config: (config: { defaultConfiguration?: boolean; sessionTtlSeconds?: number }) => call("POST", "config", config),
    /** Points the stand-in's own endpoint (the start option's) at a URL, enabled, with this secret. */
    webhook: (endpoint: { url: string; secret: string; enabledEvents?: string[] } | { url: null }) =>
      call("POST", "webhook", endpoint),
    webhookEndpoint: () => call<{ id?: string; url: string | null }>("GET", "webhook"),
    /** Deliveries to `host` go to the origin `to`, as `curl --resolve` would: a public URL, answered locally. */
    resolve: (host: string, to: string) => call("POST", "resolve", { host, to }),
    /** The next `count` events are lost on their way to every endpoint: failed at once, never retried. */
    dropDeliveries: (count: number) => call("POST", "webhook-faults", { mode: "drop", count }),
    clearWebhookFaults: () => call("DELETE", "webhook-faults"),
    /** Resolves once every delivery so far was answered, or given up on. */
    flush: () => call("POST", "flush"),
    /** Every event made since the start (or the last reset), oldest first. */
    events: () => call<ControlEvent[]>("GET", "events"),
    /** Moves events (all when none are named) `seconds` into the past. */
    ageEvents: (seconds: number, events?: string[]) => call("POST", "events/age", { seconds, events }),
  };
}
