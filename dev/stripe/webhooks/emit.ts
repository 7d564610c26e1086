// Stripe `event` objects for every state change, handed to the webhook queue as they are made.
// `created` is the second the change happened: two events may share it, as at Stripe.
import { ACCOUNT_API_VERSION, nowSeconds, randomId } from "../objects/ids.ts";
import type { EventRequest, Store, StripeEvent } from "../state/types.ts";

// Automatic changes (renewals, retries) carry no request, as at Stripe.
export const AUTOMATIC: EventRequest = { id: null, idempotency_key: null };

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
  const data: StripeEvent["data"] = { object: structuredClone(object) };
  const targets = store.webhooks.targets(type);
  if (options.before !== undefined) data.previous_attributes = previousAttributes(options.before, object);
  const event: StripeEvent = {
    id: randomId("evt_", 24),
    object: "event",
    api_version: ACCOUNT_API_VERSION,
    created: nowSeconds(),
    data,
    livemode: false,
    // The endpoints it is sent to; each successful delivery takes one off (webhooks/deliver.ts).
    pending_webhooks: targets.length,
    request: options.request ?? AUTOMATIC,
    type,
  };
  store.events.push(event);
  store.webhooks.submit(event, targets);
  return event;
}

// What an action reports back: enough to find each event again.
export const describeEvent = (e: StripeEvent) => ({
  id: e.id,
  type: e.type,
  created: e.created,
  object: isObject(e.data.object) && typeof e.data.object.id === "string" ? e.data.object.id : null,
});
