import { describe, expect, test } from "vitest";
import {
  groupPlans,
  hiddenFrom,
  type OfferedPrice,
  periodLabel,
  trialDaysFrom,
  yearlySavingPercent,
} from "@/lib/billing/plans";

const price = (overrides: Partial<OfferedPrice>): OfferedPrice => ({
  priceId: "price_x",
  productId: "prod_x",
  productName: "X",
  description: null,
  features: [],
  amount: 1000,
  currency: "usd",
  interval: "month",
  intervalCount: 1,
  trialDays: null,
  ...overrides,
});

describe("groupPlans", () => {
  test("one card per product, monthly before yearly, cheapest plan first", () => {
    const plans = groupPlans([
      price({ priceId: "price_pro_y", productId: "prod_pro", productName: "Pro", amount: 49000, interval: "year" }),
      price({ priceId: "price_pro_m", productId: "prod_pro", productName: "Pro", amount: 4900 }),
      price({ priceId: "price_start_m", productId: "prod_start", productName: "Starter", amount: 1000 }),
      price({ priceId: "price_pro_q", productId: "prod_pro", productName: "Pro", amount: 13500, intervalCount: 3 }),
    ]);
    expect(plans.map((p) => [p.name, p.options.map((o) => o.priceId)])).toEqual([
      ["Starter", ["price_start_m"]],
      ["Pro", ["price_pro_m", "price_pro_y", "price_pro_q"]],
    ]);
  });

  test("a yearly-only plan is ordered by what it costs per month", () => {
    const plans = groupPlans([
      price({ priceId: "a", productId: "prod_a", productName: "A", amount: 3000 }),
      price({ priceId: "b", productId: "prod_b", productName: "B", amount: 24000, interval: "year" }),
    ]);
    expect(plans.map((p) => p.name)).toEqual(["B", "A"]);
  });

  test("keeps the product's description and features", () => {
    const [plan] = groupPlans([price({ description: "For teams", features: ["SSO", "Audit log"] })]);
    expect(plan).toMatchObject({ description: "For teams", features: ["SSO", "Audit log"] });
  });

  test("no prices, no plans", () => {
    expect(groupPlans([])).toEqual([]);
  });
});

describe("yearlySavingPercent", () => {
  const pro = (yearly: number, currency = "usd") =>
    groupPlans([
      price({ priceId: "m", amount: 4900 }),
      price({ priceId: "y", amount: yearly, interval: "year", currency }),
    ])[0]!;
  test.each([
    [49000, 16],
    [58800, null],
    [60000, null],
  ])("yearly %i against 12 × 49.00 → %s", (yearly, expected) => {
    expect(yearlySavingPercent(pro(yearly))).toBe(expected);
  });
  test("only within one currency", () => {
    expect(yearlySavingPercent(pro(10000, "eur"))).toBeNull();
  });
});

test("periodLabel", () => {
  expect(periodLabel({ interval: "month", intervalCount: 1 })).toBe("month");
  expect(periodLabel({ interval: "month", intervalCount: 3 })).toBe("3 months");
});

describe("metadata flags", () => {
  test.each([
    [{ trial_days: "14" }, 14],
    [{ trial_days: " 7 " }, 7],
    [{ trial_days: "730" }, 730],
    [{ trial_days: "0" }, null],
    [{ trial_days: "731" }, null],
    [{ trial_days: "-3" }, null],
    [{ trial_days: "1.5" }, null],
    [{ trial_days: "fourteen" }, null],
    [{ trial_days: "1e3" }, null],
    [{}, null],
    [null, null],
  ])("trial_days %j → %s", (metadata, expected) => {
    expect(trialDaysFrom(metadata)).toBe(expected);
  });

  test.each([
    [{ billing_plan: "false" }, true],
    [{ billing_plan: "FALSE " }, true],
    [{ billing_plan: "true" }, false],
    [{}, false],
    [undefined, false],
  ])("billing_plan %j hides: %s", (metadata, expected) => {
    expect(hiddenFrom(metadata)).toBe(expected);
  });
});
