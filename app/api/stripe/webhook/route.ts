// POST /api/stripe/webhook - apply a signed Stripe event to the billing tables, once
import { NextResponse } from "next/server";
import type Stripe from "stripe";
import { env } from "@/lib/env";
import { failure, statusOf, unavailable, UnavailableError, type BillingFailure } from "@/lib/billing/errors";
import { failureFromStripe } from "@/lib/billing/stripe-errors";
import { applyStripeEvent } from "@/lib/billing/webhooks/apply-event";
import { isStripeEventEnvelope } from "@/lib/billing/webhooks/event-envelope";
import { readLimitedBody } from "@/lib/http/limited-body";
import { errorFields, log } from "@/lib/log";
import { stripe } from "@/lib/stripe";

// Stripe's events are a few KB: an object's lists are cut to 10 entries in an event and its
// metadata to 50 short keys, so even an invoice with many lines stays far below 100 KB.
// 512 KB is five times that; anything bigger is not from Stripe and is refused unread.
const MAX_EVENT_BYTES = 512 * 1024;

export async function POST(request: Request) {
  const secret = env().stripeWebhookSecret;
  if (!secret) {
    log.error("webhook.not_configured", { hint: "set STRIPE_WEBHOOK_SECRET" });
    return fail(failure("internal"));
  }
  // The signature covers the exact bytes Stripe sent: verify the raw body, never re-serialise.
  const body = await readLimitedBody(request, MAX_EVENT_BYTES);
  if (!body.ok) {
    log.warn("webhook.too_large", { limit: MAX_EVENT_BYTES });
    return fail(failure("payload_too_large"));
  }
  const signature = request.headers.get("stripe-signature");
  let event: Stripe.Event;
  try {
    if (!signature) throw new Error("missing Stripe-Signature header");
    event = stripe().webhooks.constructEvent(Buffer.from(body.bytes), signature, secret);
  } catch (err) {
    log.warn("webhook.bad_signature", errorFields(err));
    return fail(failure("invalid_request", "The Stripe signature is missing or does not match."));
  }
  if (!isStripeEventEnvelope(event)) {
    log.warn("webhook.not_an_event", { bytes: body.bytes.byteLength });
    return fail(failure("invalid_request", "The signed body is not a Stripe event (id, type, created, data.object)."));
  }
  try {
    const result = await applyStripeEvent(event);
    return NextResponse.json({ received: true, ...result });
  } catch (err) {
    // Nothing was written (one transaction); a 5xx makes Stripe deliver the event again. An outage
    // (database, or Stripe on a same-second re-read) is a 503 naming it, never a 500.
    log.error("webhook.apply_failed", { eventId: event.id, type: event.type, ...errorFields(err) });
    return fail(err instanceof UnavailableError ? unavailable(err.code) : failureFromStripe(err));
  }
}

function fail(error: BillingFailure) {
  const headers = error.retryAfterSeconds ? { "Retry-After": String(error.retryAfterSeconds) } : undefined;
  return NextResponse.json({ error: error.message, code: error.code }, { status: statusOf(error.code), headers });
}
