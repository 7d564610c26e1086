import "server-only";
import Stripe from "stripe";
import { UnavailableError } from "@/lib/billing/errors";
import { failureFromStripe } from "@/lib/billing/stripe-errors";
import { stripe } from "@/lib/stripe";

// Settling a tie happens inside a webhook delivery, which Stripe gives up on after a while:
// one bounded read, not the client's default budget of three 10 s attempts.
const READ_OPTIONS = { timeout: 5000, maxNetworkRetries: 1 };

export type ObjectRef = { object: string; id: string };

// What a completed Checkout made, within Stripe's four levels of expansion (as checkout-return.ts reads it).
const CHECKOUT_EXPAND = ["subscription", "subscription.latest_invoice", "subscription.default_payment_method"];

/**
 * The object an event is about, as Stripe has it now (the same API version as events, so the
 * handlers read it like a snapshot). A customer, product or price Stripe no longer has comes
 * back as its tombstone; anything else it no longer has is null. A Stripe that is down or slow is an
 * UnavailableError, so the delivery is answered 503 and Stripe sends it again.
 */
export async function readCurrent(ref: ObjectRef): Promise<unknown> {
  const client = stripe();
  try {
    switch (ref.object) {
      case "subscription":
        return await client.subscriptions.retrieve(ref.id, {}, READ_OPTIONS);
      case "customer":
        return await client.customers.retrieve(ref.id, {}, READ_OPTIONS);
      case "invoice":
        return await client.invoices.retrieve(ref.id, {}, READ_OPTIONS);
      case "payment_method":
        return await client.paymentMethods.retrieve(ref.id, {}, READ_OPTIONS);
      case "product":
        return await client.products.retrieve(ref.id, {}, READ_OPTIONS);
      case "price":
        return await client.prices.retrieve(ref.id, {}, READ_OPTIONS);
      case "checkout.session":
        return await client.checkout.sessions.retrieve(ref.id, { expand: CHECKOUT_EXPAND }, READ_OPTIONS);
      default:
        throw new Error(`no way to read a ${ref.object} again`);
    }
  } catch (err) {
    if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === "resource_missing")
      return ["customer", "product", "price"].includes(ref.object)
        ? { id: ref.id, object: ref.object, deleted: true }
        : null;
    if (failureFromStripe(err).code === "stripe_unavailable")
      throw new UnavailableError("stripe_unavailable", { cause: err });
    throw err;
  }
}
