import { z } from "zod";

// What every Stripe event has (https://docs.stripe.com/api/events/object). A correctly signed
// body without it ({} or [] signed with our secret, say) is not an event: 400, nothing written.
const envelope = z.looseObject({
  id: z.string().regex(/^evt_[A-Za-z0-9_]{1,250}$/),
  object: z.literal("event"),
  type: z.string().regex(/^[a-z0-9_.]{1,100}$/),
  created: z.number().int().positive(),
  data: z.looseObject({ object: z.looseObject({ object: z.string().max(100) }) }),
});

export function isStripeEventEnvelope(value: unknown): boolean {
  return envelope.safeParse(value).success;
}
