// A local stand-in for the subset of Stripe's API the app uses, reachable by
// the official SDK through its `host`/`port`/`protocol` options, plus the
// hosted portal and invoice pages, signed webhook deliveries and test-only
// control endpoints.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { handleApi } from "./api.ts";
import { handleControl } from "./control.ts";
import { BodyTooLarge, sendHtml, sendJson } from "./http.ts";
import { INVOICE_VIEW_KEY, invoicePage } from "./invoice-page.ts";
import { handlePortal } from "./portal-routes.ts";
import { seedStartBilling } from "./seed-billing.ts";
import type { SeedCustomer } from "./store.ts";
import { countCall, createStore } from "./store.ts";
import type { WebhookEndpoint } from "./webhooks.ts";

export type StripeStandInSeed = { customers: SeedCustomer[]; defaultConfiguration?: boolean };

export type StripeStandInOptions = {
  port: number;
  host?: string;
  seed?: StripeStandInSeed;
  sessionTtlSeconds?: number;
  // Where signed events are POSTed; also settable later with POST /__control/webhook.
  webhook?: WebhookEndpoint;
  log?: (line: string) => void;
};

export type StripeStandIn = { url: string; port: number; close(): Promise<void> };

// Wildcard binds are not addressable, and IPv6 literals need brackets in a URL.
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startStripeStandIn(opts: StripeStandInOptions): Promise<StripeStandIn> {
  const host = opts.host ?? "127.0.0.1";
  const log = opts.log ?? (() => {});
  const store = createStore({
    customers: opts.seed?.customers ?? [],
    defaultConfiguration: opts.seed?.defaultConfiguration ?? true,
    ttlSeconds: opts.sessionTtlSeconds ?? 300,
    webhook: opts.webhook,
    log,
  });
  let baseUrl = "";

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://stand-in.invalid");
    const invoice = /^\/i\/([^/]+)$/.exec(url.pathname);
    if (url.pathname.startsWith("/__control/")) return handleControl(store, req, res, url);
    // Browsers ask the portal page's host for a favicon; that is not an API call.
    if (url.pathname === "/favicon.ico") return void res.writeHead(204).end();
    if (await handlePortal(store, req, res, url)) return;
    if (invoice && req.method === "GET") {
      countCall(store, INVOICE_VIEW_KEY, false);
      const page = invoicePage(store, decodeURIComponent(invoice[1] ?? ""));
      return sendHtml(res, page.status, page.html);
    }
    return handleApi({ store, baseUrl, log }, req, res, url);
  }

  const server = createServer((req, res) => {
    dispatch(req, res).catch((error: unknown) => {
      if (error instanceof BodyTooLarge)
        return sendJson(res, 413, { error: { message: "Request body too large", type: "invalid_request_error" } });
      log(`stand-in error on ${req.method} ${req.url}: ${error instanceof Error ? error.stack : String(error)}`);
      sendJson(res, 500, { error: { message: "An unknown error occurred", type: "api_error" } });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${urlHost(host)}:${port}`;
  store.baseUrl = baseUrl;
  seedStartBilling(store);
  log(`Stripe stand-in listening on ${baseUrl}`);

  return {
    url: baseUrl,
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
