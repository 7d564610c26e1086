// /__control/* for billing and webhooks: simulate lifecycle moments, point
// deliveries somewhere, inject delivery faults, watch events and deliveries,
// and wait until every queued delivery went out.
import { BillingError } from "./billing.ts";
import { describeEvent } from "./events.ts";
import { simulate } from "./simulate.ts";
import type { Store } from "./store.ts";
import { parseWebhookFault } from "./webhook-faults.ts";

export const FLUSH_TIMEOUT_MS = 10_000;

type Body = Record<string, unknown>;
type Answer = [number, unknown];

function setWebhook(store: Store, body: Body): Answer {
  const { url, secret } = body;
  // `{ "url": null }` stops deliveries; events are still recorded.
  if (url === null) {
    store.webhooks.endpoint = null;
    return [200, { url: null }];
  }
  if (typeof url !== "string" || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    throw new BillingError("url must be an http(s) URL, or null");
  if (typeof secret !== "string" || secret === "") throw new BillingError("secret must be a non-empty string");
  store.webhooks.endpoint = { url, secret };
  return [200, { url, secret }];
}

function addFault(store: Store, body: Body): Answer {
  let fault;
  try {
    fault = parseWebhookFault(body);
  } catch (error) {
    throw new BillingError((error as Error).message);
  }
  store.webhooks.faults.push(fault);
  return [201, { fault, faults: store.webhooks.faults }];
}

function resend(store: Store, id: string): Answer {
  const event = store.events.find((e) => e.id === id);
  if (!event) return [404, { error: `No such event: ${id}` }];
  if (!store.webhooks.endpoint) throw new BillingError("No webhook endpoint is set (POST /__control/webhook)");
  store.webhooks.resend(event);
  return [202, { id, queued: true }];
}

// Undefined: not a billing control endpoint, the caller tries its own.
export async function billingControl(
  store: Store,
  method: string,
  path: string,
  body: Body,
): Promise<Answer | undefined> {
  const resendMatch = /^\/__control\/events\/([^/]+)\/resend$/.exec(path);
  if (method === "POST" && resendMatch) return resend(store, decodeURIComponent(resendMatch[1] ?? ""));
  switch (`${method} ${path}`) {
    case "GET /__control/webhook":
      return [200, store.webhooks.endpoint ?? { url: null }];
    case "POST /__control/webhook":
      return setWebhook(store, body);
    case "GET /__control/webhook-faults":
      return [200, { faults: store.webhooks.faults }];
    case "POST /__control/webhook-faults":
      return addFault(store, body);
    case "DELETE /__control/webhook-faults":
      store.webhooks.faults.length = 0;
      return [200, { faults: [] }];
    case "POST /__control/simulate":
      return [200, { events: simulate(store, body).map(describeEvent) }];
    case "GET /__control/events":
      return [200, store.events.map(describeEvent)];
    case "GET /__control/deliveries":
      return [200, store.webhooks.deliveries()];
    case "POST /__control/flush": {
      const drained = await store.webhooks.flush(FLUSH_TIMEOUT_MS);
      return drained
        ? [200, { flushed: true }]
        : [504, { flushed: false, error: `deliveries still pending after ${FLUSH_TIMEOUT_MS / 1000} s` }];
    }
    default:
      return undefined;
  }
}
