import Stripe from "stripe";
import { expect } from "vitest";

/** Resolves with the SDK's error object when the call fails, so tests can assert its class and fields. */
export async function failure(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error: unknown = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Stripe.errors.StripeError);
  return error as Stripe.errors.StripeError;
}
