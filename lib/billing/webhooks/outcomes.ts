import type { WriteResult } from "@/lib/billing/versions";

/** What is recorded in stripe_events.outcome. */
export type EventOutcome = "applied" | "ignored" | "stale" | "flagged";

/**
 * Two answers ask apply-event.ts to read the event's object from Stripe, with no transaction
 * open, and apply the event again with what it read: "tie" (the row was written at this event's
 * second) and "read" (the event carries too little, e.g. a completed Checkout Session names its
 * subscription only by id).
 */
export type Handled = { outcome: EventOutcome | "tie" | "read"; detail?: string };

export const written = (result: WriteResult): Handled =>
  result === "written"
    ? { outcome: "applied" }
    : result === "tie"
      ? { outcome: "tie" }
      : { outcome: "stale", detail: "a newer event already wrote this object" };
