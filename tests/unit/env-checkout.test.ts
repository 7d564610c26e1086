// The Subscribe (Checkout) block of lib/env.ts.
import { expect, test } from "vitest";
import { parseEnv } from "@/lib/env";
import { baseEnv } from "./base-env.ts";

test("unset: every plan on offer, no automatic tax, no tax id collection", () => {
  expect(parseEnv(baseEnv)).toMatchObject({
    planPrices: undefined,
    checkoutAutomaticTax: false,
    checkoutTaxIdCollection: false,
  });
  expect(parseEnv({ ...baseEnv, STRIPE_PLAN_PRICES: " , " }).planPrices).toBeUndefined();
});

test("a list of price ids and lookup keys, and the two switches", () => {
  expect(
    parseEnv({
      ...baseEnv,
      STRIPE_PLAN_PRICES: "price_1Abc, pro_monthly ,team:yearly.v2",
      STRIPE_CHECKOUT_AUTOMATIC_TAX: "true",
      STRIPE_CHECKOUT_TAX_ID_COLLECTION: "false",
    }),
  ).toMatchObject({
    planPrices: ["price_1Abc", "pro_monthly", "team:yearly.v2"],
    checkoutAutomaticTax: true,
    checkoutTaxIdCollection: false,
  });
});

test.each([
  [{ STRIPE_PLAN_PRICES: "price_1, pro monthly" }, /STRIPE_PLAN_PRICES must be price ids/],
  [{ STRIPE_CHECKOUT_AUTOMATIC_TAX: "yes" }, /STRIPE_CHECKOUT_AUTOMATIC_TAX must be true or false/],
  [{ STRIPE_CHECKOUT_TAX_ID_COLLECTION: "1" }, /STRIPE_CHECKOUT_TAX_ID_COLLECTION must be true or false/],
])("%j is refused, naming the variable", (overrides, message) => {
  expect(() => parseEnv({ ...baseEnv, ...overrides })).toThrow(message);
});
