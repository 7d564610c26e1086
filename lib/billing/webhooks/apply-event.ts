import "server-only";
import type postgres from "postgres";
import type Stripe from "stripe";
import { transaction } from "@/lib/db";
import { log } from "@/lib/log";
import { stripeTime } from "@/lib/billing/checkout-record";
import { fetchedVersion, tieVersion } from "@/lib/billing/versions";
import { handleEvent } from "@/lib/billing/webhooks/handlers";
import type { EventOutcome, Handled } from "@/lib/billing/webhooks/outcomes";
import { readCurrent, type ObjectRef } from "@/lib/billing/webhooks/read-current";

export type ApplyResult = { outcome: EventOutcome | "duplicate"; detail?: string };

export const TIE_SETTLED = "same-second tie: written as Stripe returned it";

/**
 * Applies one verified Stripe event exactly once. Recording the event id and applying it
 * commit together, in a bounded transaction: a repeated delivery finds the id and changes
 * nothing; if applying throws, both roll back and the caller answers a 5xx so Stripe retries
 * (503 when the database or Stripe is unavailable: UnavailableError, or Stripe's own error).
 *
 * An event of the same second as the row it would write can't be ordered against it (Stripe
 * orders neither deliveries nor same-second events, and advises asking the API when order
 * matters). Then nothing is recorded, the object is read from Stripe with no transaction
 * open, and what Stripe returned is written in a second transaction, where it wins the tie.
 * A handler that needs more than the event carries asks for the same read ("read"), versioned as
 * a read at the Date of Stripe's answer. Only a tie or such a read costs a Stripe call.
 */
export async function applyStripeEvent(event: Stripe.Event): Promise<ApplyResult> {
  const first = await recordAndApply(event, (tx) => handleEvent(tx, event));
  if (first !== "tie" && first !== "read") return first;
  const ref = event.data.object as unknown as ObjectRef;
  const current = await readCurrent(ref);
  const why = first === "tie" ? "same-second tie" : "read from Stripe";
  const settled = await recordAndApply(event, async (tx): Promise<Handled> => {
    if (current === null) return { outcome: "ignored", detail: `${why}, and Stripe no longer has ${ref.id}` };
    const reread = { ...event, data: { ...event.data, object: current } } as Stripe.Event;
    const at =
      first === "tie" ? tieVersion(event.created) : fetchedVersion(stripeTime(current as Stripe.Response<object>));
    const handled = await handleEvent(tx, reread, at);
    return handled.outcome === "applied" && first === "tie" ? { outcome: "applied", detail: TIE_SETTLED } : handled;
  });
  if (settled === "tie" || settled === "read") throw new Error(`event ${event.id}: a read from Stripe was not enough`);
  return settled;
}

// Rolls back the event's row: it is recorded once the object was read from Stripe.
class TieRollback extends Error {
  readonly reason: "tie" | "read";
  constructor(reason: "tie" | "read") {
    super(reason);
    this.reason = reason;
  }
}

async function recordAndApply(
  event: Stripe.Event,
  apply: (tx: postgres.TransactionSql) => Promise<Handled>,
): Promise<ApplyResult | "tie" | "read"> {
  const { customerId, paymentMethodId } = subjectOf(event.data.object);
  try {
    return await transaction(async (tx) => {
      // The company is looked up here, not by the handler, so every event type names one.
      const fresh = await tx`
        insert into public.stripe_events (id, type, stripe_created_at, outcome, company_id)
        values (${event.id}, ${event.type}, ${new Date(event.created * 1000)}, 'applied', coalesce(
          (select id from public.companies where stripe_customer_id = ${customerId}),
          (select company_id from public.billing_payment_methods where stripe_payment_method_id = ${paymentMethodId})))
        on conflict (id) do nothing returning id`;
      if (fresh.length === 0) {
        log.info("webhook.duplicate", { eventId: event.id, type: event.type });
        return { outcome: "duplicate" as const };
      }
      const { outcome, detail } = await apply(tx);
      if (outcome === "tie" || outcome === "read") throw new TieRollback(outcome);
      if (outcome !== "applied" || detail)
        await tx`update public.stripe_events set outcome = ${outcome}, detail = ${detail ?? null} where id = ${event.id}`;
      const fields = { eventId: event.id, type: event.type, outcome, detail };
      if (outcome === "flagged") log.warn("webhook.flagged", fields);
      else if (outcome === "ignored") log.debug("webhook.ignored", fields);
      else log.info("webhook.processed", fields);
      return detail ? { outcome, detail } : { outcome };
    });
  } catch (err) {
    if (err instanceof TieRollback) return err.reason;
    throw err;
  }
}

function subjectOf(object: unknown): { customerId: string | null; paymentMethodId: string | null } {
  const o = (object ?? {}) as { object?: unknown; id?: unknown; customer?: unknown };
  const id = typeof o.id === "string" ? o.id : null;
  if (o.object === "customer") return { customerId: id, paymentMethodId: null };
  const customer = o.customer;
  const customerId =
    typeof customer === "string"
      ? customer
      : typeof customer === "object" && customer && "id" in customer && typeof customer.id === "string"
        ? customer.id
        : null;
  return { customerId, paymentMethodId: o.object === "payment_method" ? id : null };
}
