import Stripe from "stripe";
import { describe, expect, test } from "vitest";
import { billingErrors, failure, statusOf, unavailable } from "@/lib/billing/errors";
import { TimeoutError } from "@/lib/deadline";
import { failureFromStripe } from "@/lib/billing/stripe-errors";

type RawError = Parameters<typeof Stripe.errors.StripeError.generate>[0];
const raw = (type: RawError["type"], extra: Partial<RawError> = {}): RawError => ({
  type,
  message: "raw stripe text",
  ...extra,
});

describe("the one list of codes", () => {
  test("each code has the status ARCHITECTURE.md gives it", () => {
    expect(Object.fromEntries(Object.entries(billingErrors).map(([k, v]) => [k, v.status]))).toEqual({
      unauthenticated: 401,
      forbidden: 403,
      company_not_found: 404,
      no_billing_account: 409,
      customer_not_found: 404,
      portal_not_configured: 503,
      invalid_return_url: 400,
      invalid_request: 400,
      plan_not_found: 404,
      checkout_in_progress: 409,
      cross_site_request: 403,
      payload_too_large: 413,
      rate_limited: 429,
      stripe_unavailable: 503,
      database_unavailable: 503,
      auth_unavailable: 503,
      internal: 500,
    });
  });

  test("every code has a plain sentence", () => {
    for (const { message } of Object.values(billingErrors)) expect(message).toMatch(/^[A-Z].{20,}[.]$/s);
  });

  test("failure() uses the list's sentence unless told otherwise", () => {
    expect(failure("forbidden")).toEqual({ code: "forbidden", message: billingErrors.forbidden.message });
    expect(failure("invalid_request", "Custom.")).toEqual({ code: "invalid_request", message: "Custom." });
    expect(statusOf("no_billing_account")).toBe(409);
  });
});

describe("failureFromStripe", () => {
  test("No such customer → customer_not_found", () => {
    const err = Stripe.errors.StripeError.generate(
      raw("invalid_request_error", {
        code: "resource_missing",
        param: "customer",
        message: "No such customer: 'cus_123'",
        statusCode: 400,
      }),
    );
    expect(failureFromStripe(err).code).toBe("customer_not_found");
  });

  test("no default portal configuration → portal_not_configured, with what to do", () => {
    const err = Stripe.errors.StripeError.generate(
      raw("invalid_request_error", {
        message:
          "No configuration provided and your test mode default configuration has not been created. Provide a configuration or create your default by saving your customer portal settings in test mode at https://dashboard.stripe.com/test/settings/billing/portal.",
        statusCode: 400,
      }),
    );
    const mapped = failureFromStripe(err);
    expect(mapped.code).toBe("portal_not_configured");
    expect(mapped.message).toMatch(/^Portal configuration not set up\./);
    expect(mapped.message).toMatch(/Customer portal|STRIPE_PORTAL_CONFIG_ID/);
  });

  test("unknown configuration id → portal_not_configured", () => {
    const err = Stripe.errors.StripeError.generate(
      raw("invalid_request_error", {
        code: "resource_missing",
        param: "configuration",
        message: "No such configuration: 'bpc_123'",
        statusCode: 400,
      }),
    );
    expect(failureFromStripe(err).code).toBe("portal_not_configured");
  });

  test("a Change plan deep link the configuration doesn't switch on → portal_not_configured, not internal", () => {
    const err = Stripe.errors.StripeError.generate(
      raw("invalid_request_error", {
        param: "flow_data[type]",
        message:
          "You cannot use `flow_data` of type `subscription_update` because that feature is not enabled in your portal configuration.",
        statusCode: 400,
      }),
    );
    expect(failureFromStripe(err).code).toBe("portal_not_configured");
    // Our own bad flow_data is still our bug.
    const ours = Stripe.errors.StripeError.generate(
      raw("invalid_request_error", {
        param: "flow_data[type]",
        message: "Invalid flow_data[type]: must be one of payment_method_update, subscription_cancel, …",
        statusCode: 400,
      }),
    );
    expect(failureFromStripe(ours).code).toBe("internal");
  });

  test.each([
    ["api_error 500", Stripe.errors.StripeError.generate(raw("api_error", { statusCode: 500 }))],
    [
      "rate limit 429",
      Stripe.errors.StripeError.generate(raw("invalid_request_error", { code: "rate_limit", statusCode: 429 })),
    ],
    [
      "connection",
      new Stripe.errors.StripeConnectionError({ message: "timeout", type: "StripeConnectionError" } as never),
    ],
    ["no answer within the click's deadline", new TimeoutError("Stripe", 9500)],
  ])("%s → stripe_unavailable, with Retry-After", (_name, err) => {
    expect(failureFromStripe(err)).toEqual(unavailable("stripe_unavailable"));
    expect(unavailable("stripe_unavailable").retryAfterSeconds).toBe(30);
  });

  test("anything else → internal, never Stripe's own text", () => {
    const auth = Stripe.errors.StripeError.generate(
      raw("authentication_error", { statusCode: 401, message: "Invalid API Key provided: sk_test_****" }),
    );
    expect(failureFromStripe(auth)).toEqual({ code: "internal", message: billingErrors.internal.message });
    expect(failureFromStripe(new Error("boom")).code).toBe("internal");
    const other = Stripe.errors.StripeError.generate(
      raw("invalid_request_error", { param: "return_url", message: "Not a valid URL", statusCode: 400 }),
    );
    expect(failureFromStripe(other).message).not.toContain("Not a valid URL");
  });
});
