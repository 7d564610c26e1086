// Stripe `event` objects for every state change, handed to the webhook queue
// as they are made. `created` is strictly increasing (one second apart at
// least): Stripe's own can tie within a second, but here a receiver can always
// tell which of two events is newer, which tests of out-of-order delivery need.
import { ACCOUNT_API_VERSION, nowSeconds, randomId } from "./objects.ts";
import type { Store } from "./store.ts";

export type EventRequest = { id: string | null; idempotency_key: string | null };

export type StripeEvent = {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  data: { object: unknown; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: EventRequest;
  type: string;
};

// Automatic changes (renewals, retries) carry no request, as at Stripe.
export const AUTOMATIC: EventRequest = { id: null, idempotency_key: null };

export const snapshot = <T>(value: T): T => structuredClone(value);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

// Stripe's previous_attributes: the old values of what changed, descending into
// nested objects so `invoice_settings.default_payment_method` stays a partial.
export function previousAttributes(before: unknown, after: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isObject(before) || !isObject(after)) return out;
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const old = before[key];
    const now = after[key];
    if (JSON.stringify(old) === JSON.stringify(now)) continue;
    out[key] = isObject(old) && isObject(now) ? previousAttributes(old, now) : (old ?? null);
  }
  return out;
}

export function emit(
  store: Store,
  type: string,
  object: unknown,
  options: { before?: unknown; request?: EventRequest } = {},
): StripeEvent {
  const created = Math.max(nowSeconds(), store.lastEventCreated + 1);
  store.lastEventCreated = created;
  const data: StripeEvent["data"] = { object: snapshot(object) };
  if (options.before !== undefined) data.previous_attributes = previousAttributes(options.before, object);
  const event: StripeEvent = {
    id: randomId("evt_", 24),
    object: "event",
    api_version: ACCOUNT_API_VERSION,
    created,
    data,
    livemode: false,
    pending_webhooks: store.webhooks.endpointCount(),
    request: options.request ?? AUTOMATIC,
    type,
  };
  store.events.push(event);
  store.webhooks.submit(event);
  return event;
}

// What an action reports back: enough to find each event again.
export const describeEvent = (e: StripeEvent) => ({
  id: e.id,
  type: e.type,
  created: e.created,
  object: isObject(e.data.object) && typeof e.data.object.id === "string" ? e.data.object.id : null,
});
