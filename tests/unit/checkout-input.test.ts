import { describe, expect, test } from "vitest";
import { parseCheckoutInput } from "@/lib/billing/checkout-input";
import { checkoutReturnUrls, isCheckoutSessionId } from "@/lib/billing/checkout-urls";

const company = "22222222-2222-4222-8222-000000000003";

describe("parseCheckoutInput", () => {
  test("a price (id or lookup key), optionally a company and a return URL", () => {
    expect(parseCheckoutInput({ price: "price_pro_monthly" })).toEqual({
      ok: true,
      input: { price: "price_pro_monthly" },
    });
    expect(parseCheckoutInput({ companyId: company, price: "pro:monthly.v2", returnUrl: "/billing" })).toEqual({
      ok: true,
      input: { companyId: company, price: "pro:monthly.v2", returnUrl: "/billing" },
    });
  });

  test.each([
    [{}, /price is required/],
    [{ price: "" }, /price must be a price id/],
    [{ price: "price_1 OR 1=1" }, /price must be a price id/],
    [{ price: "prîce_1" }, /price must be a price id/],
    [{ price: "p".repeat(201) }, /price must be a price id/],
    [{ price: 42 }, /price is required/],
    [{ price: ["price_a"] }, /price is required/],
    [{ price: "price_a", companyId: "initech" }, /UUID/],
    [{ price: "price_a", amount: 1 }, /Unknown field: amount\. Send only companyId, price and returnUrl\./],
    [{ price: "price_a", trial_period_days: 30 }, /Unknown field: trial_period_days/],
    [{ price: "price_a", returnUrl: 5 }, /returnUrl/],
    [{ price: "price_a", returnUrl: "/" + "a".repeat(2048) }, /returnUrl is too long/],
    [null, /JSON object/],
    [[{ price: "price_a" }], /JSON object/],
    ["price_a", /JSON object/],
  ])("%j → invalid_request", (body, message) => {
    const result = parseCheckoutInput(body);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("invalid_request");
      expect(result.error.message).toMatch(message);
    }
  });

  test.each([
    { customer: "cus_x", price: "price_a" },
    { customerId: "cus_x", price: "price_a" },
  ])("a customer from the client is refused: %j", (body) => {
    const result = parseCheckoutInput(body);
    expect(!result.ok && result.error.message).toMatch(/server derives the Stripe customer from the company/);
  });
});

describe("checkoutReturnUrls", () => {
  test("success carries Stripe's literal {CHECKOUT_SESSION_ID}; cancel carries checkout=canceled", () => {
    expect(checkoutReturnUrls(`http://localhost:3000/billing?company=${company}`)).toEqual({
      successUrl: `http://localhost:3000/billing?company=${company}&checkout_session={CHECKOUT_SESSION_ID}`,
      cancelUrl: `http://localhost:3000/billing?company=${company}&checkout=canceled`,
    });
  });

  test("a fragment stays last; markers already in the return URL are replaced, not repeated", () => {
    const urls = checkoutReturnUrls("https://app.example.com/settings?checkout=canceled&checkout_session=cs_old#plan");
    expect(urls.successUrl).toBe("https://app.example.com/settings?checkout_session={CHECKOUT_SESSION_ID}#plan");
    expect(urls.cancelUrl).toBe("https://app.example.com/settings?checkout=canceled#plan");
  });

  test("other query values keep their encoding", () => {
    expect(checkoutReturnUrls("https://app.example.com/b?q=a%20b&x={y}").successUrl).toBe(
      "https://app.example.com/b?q=a+b&x=%7By%7D&checkout_session={CHECKOUT_SESSION_ID}",
    );
  });
});

test.each([
  ["cs_test_a1B2c3", true],
  ["cs_live_XYZ", true],
  ["cs_", false],
  ["cus_123", false],
  ["cs_test_a1/../x", false],
  ["cs_test_ä", false],
  [`cs_${"a".repeat(251)}`, false],
  [["cs_test_a"], false],
])("isCheckoutSessionId(%j) = %s", (value, expected) => {
  expect(isCheckoutSessionId(value)).toBe(expected);
});
