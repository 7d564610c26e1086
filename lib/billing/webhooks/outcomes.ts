import type { WriteResult } from "@/lib/billing/versions";

/** What is recorded in stripe_events.outcome. */
export type EventOutcome = "applied" | "ignored" | "stale" | "flagged";

/** "tie": the row was written at this event's second; apply-event.ts settles it by asking Stripe. */
export type Handled = { outcome: EventOutcome | "tie"; detail?: string };

export const written = (result: WriteResult): Handled =>
  result === "written"
    ? { outcome: "applied" }
    : result === "tie"
      ? { outcome: "tie" }
      : { outcome: "stale", detail: "a newer event already wrote this object" };
