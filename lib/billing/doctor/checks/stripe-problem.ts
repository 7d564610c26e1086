import Stripe from "stripe";
import { redact } from "@/lib/log";
import { fail, type CheckResult } from "@/lib/billing/doctor/types";

/** What the app's restricted key needs, for the fix of a permission error. */
const RESTRICTED_KEY_NEEDS =
  "Customer portal: Write; Customers, Subscriptions, Invoices, Payment methods, Events, Webhook endpoints: Read (Checkout sessions: Write to subscribe)";

/** A Stripe error that is about the key or the connection, said as a problem with its fix. */
export function stripeAccessProblem(err: unknown): CheckResult | null {
  const message = redact(err instanceof Error ? err.message : String(err));
  if (err instanceof Stripe.errors.StripeAuthenticationError)
    return fail(
      `Stripe refused STRIPE_SECRET_KEY (${message})`,
      "Copy a secret key from Dashboard → Developers → API keys (sk_test_… in test mode) into STRIPE_SECRET_KEY. A rolled or deleted key stops working at once.",
    );
  if (err instanceof Stripe.errors.StripePermissionError)
    return fail(
      `the restricted key may not do what the app needs (${message})`,
      `In Dashboard → Developers → API keys, give the key ${RESTRICTED_KEY_NEEDS}.`,
    );
  if (
    err instanceof Stripe.errors.StripeConnectionError ||
    (err instanceof Stripe.errors.StripeError && (err.statusCode ?? 0) >= 500)
  )
    return fail(
      `Stripe did not answer (${message})`,
      "Check this machine's network and status.stripe.com. STRIPE_API_BASE must be unset except for a local stand-in.",
    );
  return null;
}
