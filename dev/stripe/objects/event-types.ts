// The event types a webhook endpoint may subscribe to, "*" included: read from the installed
// stripe-node's own WebhookEndpointCreateParams.EnabledEvent, which is generated from Stripe's
// OpenAPI spec for the pinned API version, so the list moves with the SDK instead of going stale.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

function enabledEventTypes(): string[] {
  const sdk = path.dirname(createRequire(import.meta.url).resolve("stripe"));
  const file = path.join(sdk, "resources", "WebhookEndpoints.d.ts");
  const union = /type EnabledEvent = ([^;]+);/.exec(readFileSync(file, "utf8"))?.[1];
  const types = [...(union ?? "").matchAll(/'([^']+)'/g)].map((m) => m[1]!);
  // A layout change in a future SDK must fail loudly, not turn every type away (or let all in).
  if (!types.includes("*") || !types.includes("invoice.paid"))
    throw new Error(`dev/stripe: no EnabledEvent union found in ${file}; update objects/event-types.ts`);
  return types;
}

export const ENABLED_EVENT_TYPES: readonly string[] = enabledEventTypes();
