// /__control's hooks on webhooks: the endpoint tests point deliveries at (the start option's, a
// real /v1/webhook_endpoints object, which the API can also disable or delete), and events moved
// back in time, for what Stripe does with old ones (30 days of events.list, in-flight windows).
import { startEndpoint } from "../objects/webhook-endpoint.ts";
import type { Store, WebhookEndpoint } from "../state/types.ts";

export function controlEndpoint(store: Store) {
  const entry = store.controlEndpointId ? store.webhookEndpoints.get(store.controlEndpointId) : undefined;
  if (!entry) return { url: null };
  const { id, url, enabled_events: enabledEvents, status } = entry.endpoint;
  return { id, url, secret: entry.secret, enabledEvents, status };
}

// `null` removes it; otherwise it is (re)pointed, keeping its id, and enabled again.
export function setControlEndpoint(store: Store, spec: WebhookEndpoint | null): void {
  const current = store.controlEndpointId ? store.webhookEndpoints.get(store.controlEndpointId) : undefined;
  if (!spec) {
    if (current) store.webhookEndpoints.delete(current.endpoint.id);
    store.controlEndpointId = null;
    return;
  }
  const fresh = startEndpoint(spec);
  if (current) {
    Object.assign(current.endpoint, {
      url: spec.url,
      enabled_events: fresh.endpoint.enabled_events,
      status: "enabled",
    });
    current.secret = spec.secret;
    return;
  }
  store.webhookEndpoints.set(fresh.endpoint.id, fresh);
  store.controlEndpointId = fresh.endpoint.id;
}

// Moves the named events (all when none are named) `seconds` into the past.
export function ageEvents(store: Store, seconds: number, ids?: string[]): number {
  const aged = store.events.filter((e) => !ids || ids.includes(e.id));
  for (const event of aged) event.created -= seconds;
  return aged.length;
}
