import "server-only";
import type Stripe from "stripe";
import { applyStripeEvent, type ApplyResult } from "@/lib/billing/webhooks/apply-event";
import { HANDLED_EVENT_TYPES } from "@/lib/billing/webhooks/event-types";
import { STRIPE_API_VERSION, stripe } from "@/lib/stripe";
import { idOf } from "@/lib/billing/stripe-ids";

/** Stripe lists events of the last 30 days only. */
export const EVENTS_WINDOW_DAYS = 30;
/** Stripe's `types` filter takes at most 20; past that, lists are filtered by the caller. */
export const handledTypesFilter = (): { types?: string[] } =>
  HANDLED_EVENT_TYPES.length <= 20 ? { types: [...HANDLED_EVENT_TYPES] } : {};

export type ReplayReport = {
  since: string;
  listed: number;
  outcomes: Partial<Record<ApplyResult["outcome"], number>>;
  /** Events rendered in another API version than ours: their customers are read again instead. */
  skipped: { event: string; apiVersion: string | null; customerId: string | null }[];
};

/**
 * Replays the events Stripe failed to deliver (`delivery_success=false`: failed or still
 * pending at some endpoint), oldest first, through the webhook's own idempotent path: one
 * already applied is a duplicate, an older one is stale, a same-second one is settled by a
 * read. Events list in the API version they were made in, so one in another version than
 * ours is not applied (its shape would be misread); the caller re-reads its customer.
 */
export async function replayUndeliveredEvents(opts: { since?: Date; limit?: number } = {}): Promise<ReplayReport> {
  const windowStart = Date.now() - EVENTS_WINDOW_DAYS * 86_400_000;
  const since = new Date(Math.max(opts.since?.getTime() ?? 0, windowStart));
  const handled = new Set<string>(HANDLED_EVENT_TYPES);
  const params: Stripe.EventListParams = {
    delivery_success: false,
    created: { gte: Math.ceil(since.getTime() / 1000) },
    limit: 100,
    ...handledTypesFilter(),
  };
  const events: Stripe.Event[] = [];
  for await (const event of stripe().events.list(params)) {
    if (!handled.has(event.type)) continue;
    events.push(event);
    if (events.length >= (opts.limit ?? 1000)) break;
  }
  const report: ReplayReport = { since: since.toISOString(), listed: events.length, outcomes: {}, skipped: [] };
  // Newest first from Stripe; applied oldest first, as they happened.
  for (const event of events.reverse()) {
    if (event.api_version !== STRIPE_API_VERSION) {
      report.skipped.push({ event: event.id, apiVersion: event.api_version, customerId: customerOf(event) });
      continue;
    }
    const { outcome } = await applyStripeEvent(event);
    report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
  }
  return report;
}

function customerOf(event: Stripe.Event): string | null {
  const o = event.data.object as { object?: string; id?: string; customer?: string | { id: string } | null };
  if (o.object === "customer") return o.id ?? null;
  return idOf(o.customer);
}
