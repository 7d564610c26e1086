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
  };
}
