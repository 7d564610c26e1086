import "server-only";
import type Stripe from "stripe";
import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { handleEvent, type EventOutcome } from "@/lib/billing/webhooks/handlers";

export type ApplyResult = { outcome: EventOutcome | "duplicate"; detail?: string };

/**
 * Applies one verified Stripe event exactly once. Recording the event id and applying it
 * commit together: a repeated delivery finds the id and changes nothing; if applying throws,
 * both roll back and the caller answers 500 so that Stripe retries.
 */
export async function applyStripeEvent(event: Stripe.Event): Promise<ApplyResult> {
  return db().begin(async (tx) => {
    const fresh = await tx`
      insert into public.stripe_events (id, type, stripe_created_at, outcome)
      values (${event.id}, ${event.type}, ${new Date(event.created * 1000)}, 'applied')
      on conflict (id) do nothing returning id`;
    if (fresh.length === 0) {
      log.info("webhook.duplicate", { eventId: event.id, type: event.type });
      return { outcome: "duplicate" as const };
    }
    const { outcome, detail } = await handleEvent(tx, event);
    if (outcome !== "applied")
      await tx`update public.stripe_events set outcome = ${outcome}, detail = ${detail ?? null} where id = ${event.id}`;
    const fields = { eventId: event.id, type: event.type, outcome, detail };
    if (outcome === "flagged") log.warn("webhook.flagged", fields);
    else if (outcome === "ignored") log.debug("webhook.ignored", fields);
    else log.info("webhook.processed", fields);
    return { outcome, detail };
  });
}
