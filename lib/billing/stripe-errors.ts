import Stripe from "stripe";
import { TimeoutError } from "@/lib/deadline";
import type { BillingFailure } from "@/lib/billing/errors";
import { failure, unavailable } from "@/lib/billing/errors";

/**
 * Maps what Stripe answered to one of our codes. Stripe's own text stays in the server log;
 * the person sees our sentence. Anything unrecognised is `internal`.
 */
export function failureFromStripe(err: unknown): BillingFailure {
  // No answer within the click's deadline.
  if (err instanceof TimeoutError) return unavailable("stripe_unavailable");
  if (!(err instanceof Stripe.errors.StripeError)) return failure("internal");
  const message = err.message ?? "";
  if (
    err instanceof Stripe.errors.StripeConnectionError ||
    err instanceof Stripe.errors.StripeAPIError ||
    err instanceof Stripe.errors.StripeRateLimitError
  )
    return unavailable("stripe_unavailable");
  if ((err.statusCode ?? 0) >= 500 || err.statusCode === 429) return unavailable("stripe_unavailable");
  if (err instanceof Stripe.errors.StripeInvalidRequestError) {
    if (err.param === "customer" || /^No such customer\b/.test(message)) return failure("customer_not_found");
    if (
      err.param === "configuration" ||
      // A deep link (Change plan) the portal configuration doesn't switch on.
      (err.param === "flow_data[type]" && /portal configuration/.test(message)) ||
      /^No such configuration\b/.test(message) ||
      /^No configuration provided\b/.test(message)
    )
      return failure("portal_not_configured");
  }
  return failure("internal");
}
