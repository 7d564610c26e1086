import Stripe from "stripe";
import { expect, test } from "vitest";
import { checkoutFailureFromStripe } from "@/lib/billing/checkout-subscribe";

type RawError = Parameters<typeof Stripe.errors.StripeError.generate>[0];
const stripeError = (raw: Partial<RawError>) =>
  Stripe.errors.StripeError.generate({ type: "invalid_request_error", message: "raw stripe text", ...raw });

test.each([
  [{ param: "line_items[0][price]", message: "No such price: 'price_gone'", statusCode: 400 }, "plan_not_found"],
  [
    { message: "The price specified is inactive. This field only accepts active prices.", statusCode: 400 },
    "plan_not_found",
  ],
  [{ param: "customer", message: "No such customer: 'cus_x'", statusCode: 400 }, "customer_not_found"],
  [
    { type: "idempotency_error", message: "There is currently another in-progress request", statusCode: 409 },
    "checkout_in_progress",
  ],
  [
    {
      type: "idempotency_error",
      message: "Keys for idempotent requests can only be used with the same parameters",
      statusCode: 400,
    },
    "internal",
  ],
  [{ type: "api_error", statusCode: 500 }, "stripe_unavailable"],
  [{ param: "success_url", message: "Not a valid URL", statusCode: 400 }, "internal"],
] as const)("%j → %s", (raw, code) => {
  const mapped = checkoutFailureFromStripe(stripeError(raw as Partial<RawError>));
  expect(mapped.code).toBe(code);
  expect(mapped.message).not.toContain("raw stripe text");
});

test("Stripe down says Checkout, not the portal", () => {
  expect(checkoutFailureFromStripe(stripeError({ type: "api_error", statusCode: 503 })).message).toMatch(
    /so Checkout can't open/,
  );
});
