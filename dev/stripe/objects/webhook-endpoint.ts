// Webhook endpoints: the object Stripe answers, and its signing secret kept beside it.
import type { EndpointEntry, WebhookEndpoint, WebhookEndpointObject } from "../state/types.ts";
import { nowSeconds, randomId } from "./ids.ts";

export const newEndpointSecret = () => randomId("whsec_", 32);

export function newWebhookEndpoint(
  fields: Pick<WebhookEndpointObject, "url" | "enabled_events"> & Partial<WebhookEndpointObject>,
  secret = newEndpointSecret(),
): EndpointEntry {
  const endpoint: WebhookEndpointObject = {
    id: randomId("we_", 24),
    object: "webhook_endpoint",
    api_version: null,
    application: null,
    created: nowSeconds(),
    description: null,
    livemode: false,
    metadata: {},
    status: "enabled",
    ...fields,
  };
  return { endpoint, secret };
}

// What dev/start.ts (and POST /__control/webhook) name: an endpoint made outside the API, like one
// saved in the Dashboard, listening to everything unless told otherwise.
export const startEndpoint = (spec: WebhookEndpoint): EndpointEntry =>
  newWebhookEndpoint({ url: spec.url, enabled_events: spec.enabledEvents ?? ["*"] }, spec.secret);

export function subscribes(endpoint: WebhookEndpointObject, type: string): boolean {
  return (
    endpoint.status === "enabled" && (endpoint.enabled_events.includes("*") || endpoint.enabled_events.includes(type))
  );
}
