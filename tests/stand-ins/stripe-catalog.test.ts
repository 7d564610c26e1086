// Products and prices in the Stripe stand-in through the official SDK: created as the test-mode
// setup script creates them (with product.created / price.created), listed and retrieved, and
// refused where Stripe refuses.
import { readFileSync } from "node:fs";
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestStripe, type TestStripe } from "./stripe-stand-in.ts";
import { E2E_PLANS, ensureTestModePlans } from "../e2e/stripe-test-mode-plans.ts";
import { failure } from "./sdk-failure.ts";

const fixtures = JSON.parse(readFileSync(new URL("../fixtures/stripe-reference.json", import.meta.url), "utf8"))
  .resources as Record<string, Record<string, unknown>>;
const keysOf = (o: unknown) => Object.keys(o as object).sort();

let standIn: TestStripe;
let stripe: Stripe;

const events = () => standIn.control.events();

beforeAll(async () => {
  standIn = await startTestStripe();
  stripe = standIn.sdk({ maxNetworkRetries: 0 });
});
afterAll(() => standIn?.close());
beforeEach(async () => void (await standIn.control.resetToStart()));

describe("products.create and prices.create", () => {
  it("make a plan as the test-mode setup script does, with their events, and find it again", async () => {
    const product = await stripe.products.create({
      name: "Pro",
      description: "For growing teams",
      marketing_features: [{ name: "Unlimited projects" }, { name: "SSO" }],
      metadata: { trial_days: "14" },
    });
    expect(product).toMatchObject({ object: "product", active: true, name: "Pro", default_price: null });
    expect(product.marketing_features).toEqual([{ name: "Unlimited projects" }, { name: "SSO" }]);
    expect(keysOf(product)).toEqual([...keysOf(fixtures.product), "tax_details"].sort());
    const yearly = await stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 49000,
      recurring: { interval: "year" },
      lookup_key: "pro_yearly",
      metadata: { trial_days: "30" },
    });
    expect(yearly).toMatchObject({
      product: product.id,
      type: "recurring",
      unit_amount: 49000,
      recurring: { interval: "year", interval_count: 1, usage_type: "licensed" },
      lookup_key: "pro_yearly",
      metadata: { trial_days: "30" },
    });
    expect(String(yearly.unit_amount_decimal)).toBe("49000");
    expect(keysOf(yearly)).toEqual(keysOf(fixtures.price));
    expect((await events()).map((e) => [e.type, e.object])).toEqual([
      ["product.created", product.id],
      ["price.created", yearly.id],
    ]);

    expect((await stripe.prices.list({ lookup_keys: ["pro_yearly"] })).data.map((p) => p.id)).toEqual([yearly.id]);
    expect((await stripe.prices.list({ limit: 1 })).data[0]?.id).toBe(yearly.id); // newest first
    expect((await stripe.products.retrieve(product.id)).name).toBe("Pro");
    expect((await stripe.prices.retrieve(yearly.id, { expand: ["product"] })).product).toMatchObject({ name: "Pro" });
    expect((await stripe.products.list({ ids: [product.id] })).data).toHaveLength(1);
  });

  it("product_data and default_price_data make both objects, each with its event", async () => {
    const price = await stripe.prices.create({ currency: "usd", unit_amount: 500, product_data: { name: "Add-on" } });
    expect(price.type).toBe("one_time");
    const product = await stripe.products.create({
      name: "Team",
      default_price_data: { currency: "usd", unit_amount: 2500, recurring: { interval: "month" } },
      expand: ["default_price"],
    });
    expect(product.default_price).toMatchObject({ object: "price", unit_amount: 2500, product: product.id });
    expect((await events()).map((e) => e.type)).toEqual([
      "product.created",
      "price.created",
      "product.created",
      "price.created",
    ]);
  });

  it("a lookup key names one price: taken is refused, transfer_lookup_key moves it", async () => {
    const first = await stripe.prices.create({ product: "prod_pro", currency: "usd", unit_amount: 1, lookup_key: "k" });
    const refused = await failure(
      stripe.prices.create({ product: "prod_pro", currency: "usd", unit_amount: 2, lookup_key: "k" }),
    );
    expect(refused).toMatchObject({ type: "StripeInvalidRequestError", param: "lookup_key" });
    expect(refused.message).toBe(`A price (\`${first.id}\`) already uses that lookup key.`);
    const moved = await stripe.prices.create({
      product: "prod_pro",
      currency: "usd",
      unit_amount: 2,
      lookup_key: "k",
      transfer_lookup_key: true,
    });
    expect((await stripe.prices.retrieve(first.id)).lookup_key).toBeNull();
    expect((await stripe.prices.list({ lookup_keys: ["k"] })).data.map((p) => p.id)).toEqual([moved.id]);
  });

  it.each([
    [{ currency: "usd", unit_amount: 100 }, "parameter_missing", "product"],
    [{ product: "prod_nope", currency: "usd", unit_amount: 100 }, "resource_missing", "product"],
    [{ product: "prod_pro", unit_amount: 100 }, "parameter_missing", "currency"],
    [{ product: "prod_pro", currency: "usd" }, "parameter_missing", "unit_amount"],
    [
      { product: "prod_pro", currency: "usd", unit_amount: 1, recurring: { interval: "fortnight" } },
      undefined,
      "recurring[interval]",
    ],
    [
      { product: "prod_pro", currency: "usd", unit_amount: 1, recurring: { interval: "month", interval_count: 13 } },
      undefined,
      "recurring[interval_count]",
    ],
    [{ product: "prod_pro", currency: "usd", unit_amount: 1, tiers_mode: "volume" }, undefined, "tiers_mode"],
    [{ product: "prod_pro", currency: "usd", unit_amount: 1, colour: "red" }, "parameter_unknown", "colour"],
  ])("prices.create %j is refused (%s, %s) and makes nothing", async (params, code, param) => {
    const err = await failure(stripe.prices.create(params as unknown as Stripe.PriceCreateParams));
    expect(err).toMatchObject({ type: "StripeInvalidRequestError", statusCode: 400, param });
    if (code) expect(err.code).toBe(code);
    expect(await events()).toEqual([]);
  });

  it("products.create needs a name, and an id is used once", async () => {
    expect(await failure(stripe.products.create({} as Stripe.ProductCreateParams))).toMatchObject({
      code: "parameter_missing",
      param: "name",
    });
    await stripe.products.create({ id: "prod_mine", name: "Mine" });
    expect(await failure(stripe.products.create({ id: "prod_mine", name: "Mine" }))).toMatchObject({
      code: "resource_already_exists",
      param: "id",
    });
  });

  it("a reset takes the catalog back to the seed", async () => {
    await stripe.products.create({ name: "Gone after reset" });
    await standIn.control.resetToStart();
    expect((await stripe.products.list({ limit: 100 })).data.map((p) => p.id).sort()).toEqual([
      "prod_business",
      "prod_pro",
      "prod_starter",
      "prod_team_legacy",
    ]);
  });
});

describe("the test-mode setup script's plans (tests/e2e/stripe-test-mode-plans.ts)", () => {
  it("makes a product with a monthly and a yearly price once, and finds them again by metadata and lookup key", async () => {
    const made = await ensureTestModePlans(stripe);
    const again = await ensureTestModePlans(stripe);
    expect(again).toEqual(made);
    const prices = await stripe.prices.list({ product: made.productId });
    expect(prices.data.map((p) => [p.id, p.recurring?.interval]).sort()).toEqual(
      [
        [made.monthly, "month"],
        [made.yearly, "year"],
      ].sort(),
    );
    const product = await stripe.products.retrieve(made.productId);
    expect(product).toMatchObject({ name: E2E_PLANS.name, metadata: { purpose: "manage-billing-e2e" } });
    expect((await events()).filter((e) => e.type.endsWith(".created"))).toHaveLength(3);
  });
});
