// POST /api/stripe/webhook - apply a signed Stripe event to the billing tables, once
import { NextResponse } from "next/server";
import Stripe from "stripe";
import { env } from "@/lib/env";
import { failure, statusOf, UnavailableError, type BillingFailure } from "@/lib/billing/errors";
import { applyStripeEvent } from "@/lib/billing/webhooks/apply-event";
import { errorFields, log } from "@/lib/log";
import { stripe } from "@/lib/stripe";

export async function POST(request: Request) {
  const secret = env().stripeWebhookSecret;
  if (!secret) {
    log.error("webhook.not_configured", { hint: "set STRIPE_WEBHOOK_SECRET" });
    return fail(failure("internal"));
  }
  // The signature covers the exact bytes Stripe sent: read the raw body, never re-serialise.
  const raw = await request.text();
  const signature = request.headers.get("stripe-signature");
  let event: Stripe.Event;
  try {
    if (!signature) throw new Error("missing Stripe-Signature header");
    event = stripe().webhooks.constructEvent(raw, signature, secret);
  } catch (err) {
    log.warn("webhook.bad_signature", errorFields(err));
    return fail(failure("invalid_request", "The Stripe signature is missing or does not match."));
  }
  try {
    const result = await applyStripeEvent(event);
    return NextResponse.json({ received: true, ...result });
  } catch (err) {
    // Nothing was written (one transaction); a 5xx makes Stripe deliver the event again.
    log.error("webhook.apply_failed", { eventId: event.id, type: event.type, ...errorFields(err) });
    return fail(failure(err instanceof UnavailableError ? err.code : "internal"));
  }
}

function fail(error: BillingFailure) {
  return NextResponse.json({ error: error.message, code: error.code }, { status: statusOf(error.code) });
}
