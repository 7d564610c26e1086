// Delivery faults tests queue through /__control/webhook-faults, each for the
// next `count` events, in the order queued (one fault per event):
// - duplicate: the event is delivered a second time once the first was acknowledged;
// - reverse: the events are held, then delivered newest first;
// - fail_first: the first attempt carries an invalid signature, the retry a valid one.

export type WebhookFaultMode = "duplicate" | "reverse" | "fail_first";

export type WebhookFault = { mode: WebhookFaultMode; count: number; remaining: number };

const MODES: readonly string[] = ["duplicate", "reverse", "fail_first"];

// Throws a plain Error with a human message; the control endpoint turns it into a 400.
export function parseWebhookFault(body: Record<string, unknown>): WebhookFault {
  const { mode, count = 1 } = body;
  if (typeof mode !== "string" || !MODES.includes(mode))
    throw new Error("mode must be duplicate, reverse or fail_first");
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1)
    throw new Error("count must be a positive integer");
  return { mode: mode as WebhookFaultMode, count, remaining: count };
}
