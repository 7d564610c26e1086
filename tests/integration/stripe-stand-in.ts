// The Stripe stand-in as integration tests drive it: the official SDK pointed at it, and its
// /__control endpoints (counters, faults, seeding, simulated billing moments).
import Stripe from "stripe";

export function sdkFor(baseUrl: string, key: string): Stripe {
  const base = new URL(baseUrl);
  return new Stripe(key, { host: base.hostname, port: Number(base.port), protocol: "http", maxNetworkRetries: 0 });
}

export function stripeControl(baseUrl: string) {
  async function call(method: "GET" | "POST" | "DELETE", path: string, body?: unknown) {
    const res = await fetch(`${baseUrl}/__control/${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} /__control/${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  }
  return {
    /** Calls received since the last reset, by route: `{ "GET /v1/customers/:id": 2 }`. */
    calls: async () => (await call("GET", "counters")).calls as Record<string, number>,
    /** Zeroes the counters and drops queued faults; the stand-in's objects stay. */
    reset: async () => {
      await call("DELETE", "counters");
      await call("DELETE", "faults");
    },
    /** The whole stand-in back to its state just after start: seed, endpoints, configurations, no events. */
    resetToStart: () => call("POST", "reset"),
    seedCustomer: (customer: Record<string, unknown>) => call("POST", "customers", customer),
    simulate: (customer: string, action: string, extra: Record<string, unknown> = {}) =>
      call("POST", "simulate", { customer, action, ...extra }),
    fault: (fault: {
      path: string;
      mode: "status" | "latency" | "drop";
      status?: number;
      ms?: number;
      count?: number;
    }) => call("POST", "faults", fault),
    config: (config: { defaultConfiguration?: boolean }) => call("POST", "config", config),
    /** Points the stand-in's own endpoint (the start option's) at a URL, enabled, with this secret. */
    webhook: (endpoint: { url: string; secret: string; enabledEvents?: string[] } | { url: null }) =>
      call("POST", "webhook", endpoint),
    webhookEndpoint: async () => (await call("GET", "webhook")) as { id?: string; url: string | null },
    /** Deliveries to `host` go to the origin `to`, as `curl --resolve` would: a public URL, answered locally. */
    resolve: (host: string, to: string) => call("POST", "resolve", { host, to }),
    /** The next `count` events are lost on their way to every endpoint: failed at once, never retried. */
    dropDeliveries: (count: number) => call("POST", "webhook-faults", { mode: "drop", count }),
    clearWebhookFaults: () => call("DELETE", "webhook-faults"),
    /** Resolves once every delivery so far was answered, or given up on. */
    flush: () => call("POST", "flush"),
    /** Moves events (all when none are named) `seconds` into the past. */
    ageEvents: (seconds: number, events?: string[]) => call("POST", "events/age", { seconds, events }),
  };
}
