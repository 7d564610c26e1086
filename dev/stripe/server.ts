// A local stand-in for the subset of Stripe's API the app uses, reachable by the official SDK
// through its `host`/`port`/`protocol` options, plus the hosted portal, Checkout and invoice
// pages, signed webhook deliveries and test-only control endpoints. The only entry point of
// dev/stripe.
import type { HttpBindings } from "@hono/node-server";
import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { LOCAL_STRIPE_KEY } from "../local-stack.ts";
import { seedStartBilling } from "./billing/seed.ts";
import { controlRoutes } from "./control/index.ts";
import { mountCheckout } from "./hosted/checkout.ts";
import { mountInvoicePage } from "./hosted/invoice.ts";
import { mountPortal } from "./hosted/portal.ts";
import { ROUTES } from "./resources/index.ts";
import { createStore } from "./state/store.ts";
import type { SeedCustomer, WebhookEndpoint } from "./state/types.ts";
import { mountApi } from "./wire/api.ts";
import { stripeJson } from "./wire/http.ts";

export type { SeedCustomer, WebhookEndpoint } from "./state/types.ts";
export type StripeStandInSeed = { customers: SeedCustomer[]; defaultConfiguration?: boolean };

export type StripeStandInOptions = {
  port: number;
  host?: string;
  // The account's secret key; any other key is refused as Stripe refuses it.
  apiKey?: string;
  seed?: StripeStandInSeed;
  sessionTtlSeconds?: number;
  // Where signed events are POSTed: a webhook endpoint of the account (GET /v1/webhook_endpoints
  // lists it, the API can disable or delete it), re-pointed later with POST /__control/webhook.
  webhook?: WebhookEndpoint;
  log?: (line: string) => void;
};

export type StripeStandIn = { url: string; port: number; close(): Promise<void> };

const MAX_BODY_BYTES = 1024 * 1024;

// Wildcard binds are not addressable, and IPv6 literals need brackets in a URL.
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startStripeStandIn(opts: StripeStandInOptions): Promise<StripeStandIn> {
  const host = opts.host ?? "127.0.0.1";
  const log = opts.log ?? (() => {});
  const store = createStore({
    apiKey: opts.apiKey ?? LOCAL_STRIPE_KEY,
    customers: opts.seed?.customers ?? [],
    defaultConfiguration: opts.seed?.defaultConfiguration ?? true,
    ttlSeconds: opts.sessionTtlSeconds ?? 300,
    webhook: opts.webhook ?? null,
    log,
  });

  const app = new Hono<{ Bindings: HttpBindings }>();
  // Hono's bodyLimit re-creates the request, which only works with node-server's global Request
  // override; every client here (the SDK, fetch, browsers) sends a Content-Length anyway.
  app.use(async (c, next) => {
    const chunked = c.req.header("transfer-encoding") !== undefined;
    if (!chunked && Number(c.req.header("content-length") ?? 0) <= MAX_BODY_BYTES) return next();
    const message = chunked ? "Send a Content-Length" : "Request body too large";
    const error = { error: { message, type: "invalid_request_error" } };
    return c.body(stripeJson(error), chunked ? 411 : 413, { "Content-Type": "application/json" });
  });
  app.onError((error, c) => {
    log(`stand-in error on ${c.req.method} ${c.req.path}: ${error.stack ?? String(error)}`);
    return c.body(stripeJson({ error: { message: "An unknown error occurred", type: "api_error" } }), 500, {
      "Content-Type": "application/json",
    });
  });
  app.route("/__control", controlRoutes(store));
  // Browsers ask the portal page's host for a favicon; that is not an API call.
  app.get("/favicon.ico", (c) => c.body(null, 204));
  mountPortal(app, store);
  mountInvoicePage(app, store);
  mountCheckout(app, store);
  mountApi(app, store, ROUTES);

  // Not overriding the global Request/Response: tests run the stand-in inside the app's process.
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  store.baseUrl = `http://${urlHost(host)}:${port}`;
  seedStartBilling(store);
  log(`Stripe stand-in listening on ${store.baseUrl}`);

  return {
    url: store.baseUrl,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        void store.webhooks.close();
        server.close((error) => (error ? reject(error) : resolve()));
        // The SDK keeps connections alive; without this close() would wait for them to idle out.
        server.closeAllConnections();
      }),
  };
}

// `node dev/stripe/server.ts` runs it on its own (STRIPE_STANDIN_PORT, default 12111).
if (import.meta.main) {
  const port = Number(process.env.STRIPE_STANDIN_PORT ?? 12111);
  await startStripeStandIn({ port, host: process.env.STRIPE_STANDIN_HOST, log: (line) => console.log(line) });
}
