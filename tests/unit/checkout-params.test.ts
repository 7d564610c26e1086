// What a Subscribe click asks Stripe Checkout for (lib/billing/checkout-params.ts).
import { expect, test } from "vitest";
import { checkoutSessionParams } from "@/lib/billing/checkout-params";

const plan = { companyId: "c-1", customerId: "cus_1", priceId: "price_1", trialDays: null };
const off = { automaticTax: false, taxIdCollection: false };

test("the company on the session, the way back, promotion codes; never payment_method_types", () => {
  const params = checkoutSessionParams(plan, "https://app.example.com/billing?company=c-1", off);
  expect(params).toEqual({
    mode: "subscription",
    customer: "cus_1",
    client_reference_id: "c-1",
    line_items: [{ price: "price_1", quantity: 1 }],
    success_url: "https://app.example.com/billing?company=c-1&checkout_session={CHECKOUT_SESSION_ID}",
    cancel_url: "https://app.example.com/billing?company=c-1&checkout=canceled",
    allow_promotion_codes: true,
    metadata: { company_id: "c-1" },
    subscription_data: { metadata: { company_id: "c-1" } },
  });
});

test("a price's trial days become subscription_data.trial_period_days", () => {
  const params = checkoutSessionParams({ ...plan, trialDays: 14 }, "https://app.example.com/billing", off);
  expect(params.subscription_data).toEqual({ metadata: { company_id: "c-1" }, trial_period_days: 14 });
});

test.each([
  [{ automaticTax: true, taxIdCollection: false }, { automatic_tax: { enabled: true } }, { address: "auto" }],
  [{ automaticTax: false, taxIdCollection: true }, { tax_id_collection: { enabled: true } }, { name: "auto" }],
  [
    { automaticTax: true, taxIdCollection: true },
    { automatic_tax: { enabled: true }, tax_id_collection: { enabled: true } },
    { address: "auto", name: "auto" },
  ],
])("switches %j: %j, with customer_update %j so Checkout may save what it asks", (switches, extra, update) => {
  const params = checkoutSessionParams(plan, "https://app.example.com/billing", switches);
  expect(params).toMatchObject({ ...extra, customer_update: update });
});

test("switches off: no tax, no tax IDs, no customer_update", () => {
  const params = checkoutSessionParams(plan, "https://app.example.com/billing", off);
  expect(params).not.toHaveProperty("automatic_tax");
  expect(params).not.toHaveProperty("tax_id_collection");
  expect(params).not.toHaveProperty("customer_update");
});
