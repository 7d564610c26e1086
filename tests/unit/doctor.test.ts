// The doctor's pure judgements, for the cases the Stripe stand-in can't produce (live-mode
// objects, an inactive configuration, a legacy HS256 project) and the runner itself.
import Stripe from "stripe";
import { describe, expect, test } from "vitest";
import { jwksProblem } from "@/lib/billing/doctor/checks/jwt-signing-keys";
import { pendingMigrations } from "@/lib/billing/doctor/checks/migrations";
import { portalProblems } from "@/lib/billing/doctor/checks/portal-configuration";
import { modeProblems } from "@/lib/billing/doctor/checks/stripe-mode";
import { webhookEndpointProblems } from "@/lib/billing/doctor/checks/webhook-endpoint";
import { describeDoctor, runDoctor } from "@/lib/billing/doctor/run";
import { fail, pass, type DoctorCheck, type DoctorContext, type LinkedCustomer } from "@/lib/billing/doctor/types";
import { HANDLED_EVENT_TYPES } from "@/lib/billing/webhooks/event-types";
import { STRIPE_API_VERSION } from "@/lib/stripe";

const configuration = (over: { active?: boolean; livemode?: boolean; features?: Record<string, unknown> } = {}) =>
  ({
    id: "bpc_1",
    active: over.active ?? true,
    livemode: over.livemode ?? false,
    features: {
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      subscription_cancel: { enabled: true },
      subscription_update: { enabled: true, products: [{ product: "prod_pro", prices: ["price_pro"] }] },
      ...over.features,
    },
  }) as unknown as Stripe.BillingPortal.Configuration;

const linked = (found: LinkedCustomer["found"], name = "Acme Inc"): LinkedCustomer => ({
  companyId: "c1",
  companyName: name,
  customerId: "cus_1",
  found,
});

describe("key mode", () => {
  test("all test: no problem", () => {
    expect(
      modeProblems("test", configuration(), [linked({ id: "cus_1", livemode: false } as Stripe.Customer)]),
    ).toEqual([]);
  });
  test("a live configuration or customer with a test key; a customer only the other mode has", () => {
    const otherMode = new Stripe.errors.StripeInvalidRequestError({
      type: "invalid_request_error",
      code: "resource_missing",
      message:
        "No such customer: 'cus_2'; a similar object exists in live mode, but a test mode key was used to make this request.",
    });
    expect(
      modeProblems("test", configuration({ livemode: true }), [
        linked({ id: "cus_1", livemode: true } as Stripe.Customer),
        { ...linked({ error: otherMode }, "Globex"), customerId: "cus_2" },
      ]),
    ).toEqual([
      "the portal configuration bpc_1 is a live-mode object",
      "Acme Inc's customer cus_1 is a live-mode customer",
      "Globex is linked to cus_2, which exists only in live mode",
    ]);
  });
});

describe("portal configuration", () => {
  test("everything the page offers: no problem", () => expect(portalProblems(configuration())).toEqual([]));
  test("inactive, and each feature off", () => {
    expect(
      portalProblems(
        configuration({
          active: false,
          features: {
            invoice_history: { enabled: false },
            payment_method_update: { enabled: false },
            subscription_cancel: { enabled: false },
            subscription_update: { enabled: false, products: [] },
          },
        }),
      ),
    ).toEqual([
      "it is not active",
      '"Change plan" needs subscription_update enabled',
      '"Cancel subscription" needs subscription_cancel enabled',
      '"Update payment method" needs payment_method_update enabled',
      "the invoice list needs invoice_history enabled",
    ]);
  });
  test("plan switching on with no products to switch between (or products not expanded)", () => {
    expect(portalProblems(configuration({ features: { subscription_update: { enabled: true } } }))).toEqual([
      '"Change plan" needs subscription_update to list the products (and prices) to switch between',
    ]);
  });
});

describe("webhook endpoint", () => {
  const endpoint = (over: Partial<Stripe.WebhookEndpoint>) =>
    ({
      id: "we_1",
      status: "enabled",
      api_version: STRIPE_API_VERSION,
      enabled_events: [...HANDLED_EVENT_TYPES],
      ...over,
    }) as Stripe.WebhookEndpoint;
  test("enabled, every handled type (or *), our version: no problem", () => {
    expect(webhookEndpointProblems(endpoint({}))).toEqual([]);
    expect(webhookEndpointProblems(endpoint({ enabled_events: ["*"], api_version: null }))).toEqual([]);
  });
  test("disabled, a handled type missing, another version", () => {
    expect(
      webhookEndpointProblems(
        endpoint({
          status: "disabled",
          enabled_events: HANDLED_EVENT_TYPES.filter((t) => t !== "invoice.paid"),
          api_version: "2024-06-20",
        }),
      ),
    ).toEqual([
      "it is disabled",
      "it is not subscribed to invoice.paid",
      `it sends events in API version 2024-06-20, the app reads ${STRIPE_API_VERSION}`,
    ]);
  });
});

describe("JWT signing keys", () => {
  test.each([
    [{ keys: [{ kty: "EC", alg: "ES256", kid: "k" }] }, null],
    [{ keys: [{ kty: "RSA", alg: "RS256", kid: "k" }] }, null],
    [{ keys: [] }, "it publishes no key: tokens are signed with the legacy HS256 secret"],
    [{ keys: [{ kty: "oct", alg: "HS256" }] }, "it publishes only HS256 keys"],
    [{}, "the JWKS answer has no keys list"],
    ["<html>", "the JWKS answer has no keys list"],
  ])("%j → %s", (jwks, problem) => expect(jwksProblem(jwks)).toBe(problem));
});

test("pending migrations: the files whose version the database lacks, in order", () => {
  expect(pendingMigrations(["2_b.sql", "1_a.sql", "README.md", "3_c_d.sql"], new Set(["1", "3"]))).toEqual(["2_b.sql"]);
});

describe("runDoctor", () => {
  const ctx = {} as DoctorContext;
  const check = (id: string, run: DoctorCheck["run"], needs?: string[]): DoctorCheck => ({
    id,
    title: id.toUpperCase(),
    needs,
    run,
  });

  test("a check whose need failed is skipped; one that throws fails, redacted; order is kept", async () => {
    let ranDependent = false;
    const report = await runDoctor(
      [
        check(
          "b",
          async () => {
            ranDependent = true;
            return pass("fine");
          },
          ["a"],
        ),
        check("a", async () => fail("broken", "mend it")),
        check("c", async () => {
          throw new Error("boom with sk_test_abc123 inside");
        }),
        check("d", async () => pass("ok"), ["c-not-a-check"]),
      ],
      ctx,
    );
    expect(ranDependent).toBe(false);
    expect(report.ok).toBe(false);
    expect(report.checks).toEqual([
      { id: "b", title: "B", status: "skip", summary: "needs: A" },
      { id: "a", title: "A", status: "fail", summary: "broken", fix: "mend it" },
      {
        id: "c",
        title: "C",
        status: "fail",
        summary: "the check could not run: boom with sk_test_[redacted] inside",
        fix: "Fix what the message names, then run the doctor again.",
      },
      { id: "d", title: "D", status: "pass", summary: "ok" },
    ]);
    expect(describeDoctor(report)).toEqual([
      "- B: needs: A",
      "✗ A: broken",
      "    Fix: mend it",
      "✗ C: the check could not run: boom with sk_test_[redacted] inside",
      "    Fix: Fix what the message names, then run the doctor again.",
      "✓ D: ok",
      "",
      "2 problems to fix.",
    ]);
  });
});
