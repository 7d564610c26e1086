// Where Stripe Checkout sends the person back. Both URLs are the return URL (already checked
// by return-url.ts) plus a marker the billing page reads: the session id on success, so the
// page can record the subscription at once, and `checkout=canceled` on cancel.

export const SESSION_PARAM = "checkout_session";
export const CANCELED_PARAM = "checkout";
export const CANCELED_VALUE = "canceled";

// Stripe puts the session id where this literal template stands; it must not be percent-encoded.
const TEMPLATE = "{CHECKOUT_SESSION_ID}";
const PLACEHOLDER = "checkoutsessionidplaceholder";

export function checkoutReturnUrls(returnUrl: string): { successUrl: string; cancelUrl: string } {
  const base = new URL(returnUrl);
  base.searchParams.delete(SESSION_PARAM);
  base.searchParams.delete(CANCELED_PARAM);
  const success = new URL(base);
  success.searchParams.set(SESSION_PARAM, PLACEHOLDER);
  const cancel = new URL(base);
  cancel.searchParams.set(CANCELED_PARAM, CANCELED_VALUE);
  return {
    successUrl: success.toString().replace(`${SESSION_PARAM}=${PLACEHOLDER}`, `${SESSION_PARAM}=${TEMPLATE}`),
    cancelUrl: cancel.toString(),
  };
}

/** A Checkout Session id as Stripe makes them (cs_test_…, cs_live_…); anything else is not looked up. */
export function isCheckoutSessionId(value: unknown): value is string {
  return typeof value === "string" && /^cs_[A-Za-z0-9_]{1,250}$/.test(value);
}
