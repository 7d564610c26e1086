import { describe, expect, test } from "vitest";
import { inputFromForm } from "@/lib/billing/client-input";
import { parseCheckoutInput } from "@/lib/billing/checkout-input";
import { parsePortalInput } from "@/lib/billing/input";

const company = "22222222-2222-4222-8222-000000000001";

describe("parsePortalInput", () => {
  test("accepts nothing, a company, a return URL", () => {
    expect(parsePortalInput({})).toEqual({ ok: true, input: {} });
    expect(parsePortalInput({ companyId: company, returnUrl: "/billing" })).toEqual({
      ok: true,
      input: { companyId: company, returnUrl: "/billing" },
    });
  });

  test.each([
    { customerId: "cus_x" },
    { customer: "cus_x" },
    { customer_id: "cus_x", companyId: company },
    { stripeCustomerId: "cus_x" },
  ])("a customer from the client is refused: %j", (body) => {
    const result = parsePortalInput(body);
    expect(result).toEqual({
      ok: false,
      error: {
        code: "invalid_request",
        message: expect.stringMatching(/server derives the Stripe customer from the company/),
      },
    });
  });

  test.each([
    [null, /JSON object/],
    [[], /JSON object/],
    ["x", /JSON object/],
    [{ companyId: "acme" }, /UUID/],
    [{ companyId: 42 }, /UUID/],
    [{ returnUrl: 5 }, /returnUrl/],
    [{ flow: "x" }, /flow must be one of/],
    [{ plan: "pro" }, /Unknown field: plan/],
  ])("malformed %j → invalid_request", (body, message) => {
    const result = parsePortalInput(body);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("invalid_request");
      expect(result.error.message).toMatch(message);
    }
  });
});

describe("error messages never echo unbounded input", () => {
  test("10,000 unknown keys, or one huge one, give a short message", () => {
    const many = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`key${i}_${"x".repeat(20)}`, i]));
    const huge = { ["k".repeat(100_000)]: 1 };
    for (const body of [many, huge, { ...many, companyId: company }]) {
      const result = parsePortalInput(body);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe("invalid_request");
        expect(result.error.message.length).toBeLessThan(300);
        expect(result.error.message).toMatch(/^Unknown field: /);
      }
    }
    const result = parsePortalInput(many);
    if (!result.ok) expect(result.error.message).toMatch(/and 9997 more/);
  });

  test("Subscribe's body too: unknown keys are named briefly, with or without a price", () => {
    const many = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`key${i}_${"x".repeat(20)}`, i]));
    for (const body of [many, { ...many, price: "price_pro_monthly" }, { ["k".repeat(100_000)]: 1, price: "p" }]) {
      const result = parseCheckoutInput(body);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe("invalid_request");
        expect(result.error.message.length).toBeLessThan(300);
        expect(result.error.message).toMatch(/^Unknown field: .*Send only companyId, price and returnUrl\.$/);
      }
    }
  });

  test("a long returnUrl or companyId is refused without being repeated", () => {
    for (const body of [
      { returnUrl: "/".padEnd(50_000, "a") },
      { companyId: "x".repeat(50_000) },
      { flow: "y".repeat(50_000) },
    ]) {
      const result = parsePortalInput(body);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message.length).toBeLessThan(300);
    }
  });
});

describe("inputFromForm", () => {
  test("keeps fields, drops React's hidden ones and empty values", () => {
    const form = new FormData();
    form.set("companyId", company);
    form.set("returnUrl", "");
    form.set("$ACTION_ID_abc", "");
    form.set("$ACTION_1:0", "{}");
    expect(inputFromForm(form)).toEqual({ companyId: company });
  });
});
