// The plan catalog against a real PostgreSQL: kept from product.* and price.* events through
// POST /api/stripe/webhook, backfilled from the Stripe stand-in by the sync, read by the page.
import type postgres from "postgres";
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { deliverEvent } from "./signed-events.ts";
import { claimsFor, signInEveryone } from "./signed-in-claims.ts";
import { startTestStack, type TestStack } from "./stack.ts";

const SECRET = "whsec_catalog_test_secret";
const INITECH_OWNER = "11111111-1111-4111-8111-000000000007";
const T0 = 1_790_000_000;

let stack: TestStack<{ stripe: true }>;
let sql: postgres.Sql;
let stripeAdmin: Stripe;

beforeAll(async () => {
  stack = await startTestStack({ stripe: true, env: { STRIPE_WEBHOOK_SECRET: SECRET } });
  ({ sql } = stack);
  await signInEveryone(sql);
  stripeAdmin = stack.stripe.sdk();
});

afterAll(() => stack?.cleanup());

beforeEach(async () => {
  await sql`truncate public.stripe_events, public.billing_products, public.billing_prices`;
});

const deliver = (type: string, object: object, created = T0) => deliverEvent(SECRET, type, object, created);

const product = (overrides: Record<string, unknown> = {}) => ({
  id: "prod_team",
  object: "product",
  active: true,
  name: "Team",
  description: "For growing teams",
  marketing_features: [{ name: "Unlimited projects" }, { name: "SSO" }],
  metadata: {},
  ...overrides,
});
const price = (overrides: Record<string, unknown> = {}) => ({
  id: "price_team_monthly",
  object: "price",
  active: true,
  type: "recurring",
  currency: "usd",
  unit_amount: 2900,
  product: "prod_team",
  lookup_key: "team_monthly",
  nickname: null,
  metadata: {},
  recurring: { interval: "month", interval_count: 1, usage_type: "licensed", trial_period_days: null, meter: null },
  ...overrides,
});

/** What the billing page lists for Initech (no live subscription), through row level security. */
async function initechPlans() {
  const { companiesForUser } = await import("@/lib/billing/queries");
  const [initech] = await companiesForUser(claimsFor(INITECH_OWNER));
  return initech!.plans;
}

describe("kept from webhooks", () => {
  test("product and prices arrive in any order and become one plan with monthly and yearly", async () => {
    expect(await deliver("price.created", price())).toBe("applied");
    expect(await initechPlans()).toEqual([]); // its product is not known yet
    expect(await deliver("product.created", product({ metadata: { trial_days: "14" } }))).toBe("applied");
    expect(
      await deliver(
        "price.created",
        price({
          id: "price_team_yearly",
          unit_amount: 29000,
          lookup_key: "team_yearly",
          recurring: { interval: "year", interval_count: 1, usage_type: "licensed" },
          metadata: { trial_days: "30" },
        }),
      ),
    ).toBe("applied");
    expect(await initechPlans()).toEqual([
      {
        priceId: "price_team_monthly",
        productId: "prod_team",
        productName: "Team",
        description: "For growing teams",
        features: ["Unlimited projects", "SSO"],
        amount: 2900,
        currency: "usd",
        interval: "month",
        intervalCount: 1,
        trialDays: 14, // the product's
      },
      expect.objectContaining({ priceId: "price_team_yearly", amount: 29000, interval: "year", trialDays: 30 }),
    ]);
  });

  test("updates and deletions take plans off offer; an older event never brings them back", async () => {
    await deliver("product.created", product());
    await deliver("price.created", price());
    await deliver("price.created", price({ id: "price_team_yearly", recurring: { interval: "year" } }));
    expect(await deliver("price.updated", price({ active: false }), T0 + 10)).toBe("applied");
    expect(await deliver("price.deleted", price({ id: "price_team_yearly" }), T0 + 10)).toBe("applied");
    expect(await initechPlans()).toEqual([]);
    expect(await deliver("price.updated", price({ unit_amount: 1 }), T0 + 5)).toBe("stale");
    expect(await initechPlans()).toEqual([]);

    expect(await deliver("price.updated", price({ unit_amount: 3900 }), T0 + 20)).toBe("applied");
    expect((await initechPlans()).map((p) => p.amount)).toEqual([3900]);
    expect(await deliver("product.updated", product({ metadata: { billing_plan: "false" } }), T0 + 30)).toBe("applied");
    expect(await initechPlans()).toEqual([]);
    expect(await deliver("product.updated", product(), T0 + 40)).toBe("applied");
    expect(await deliver("product.deleted", product({ active: false }), T0 + 50)).toBe("applied");
    expect(await initechPlans()).toEqual([]);
    const [row] = await sql`select deleted, active from public.billing_products`;
    expect(row).toEqual({ deleted: true, active: false });
  });

  test("only licensed recurring prices with a fixed amount are plans", async () => {
    await deliver("product.created", product());
    await deliver("price.created", price({ id: "price_once", type: "one_time", recurring: null }));
    await deliver(
      "price.created",
      price({ id: "price_metered", recurring: { interval: "month", interval_count: 1, usage_type: "metered" } }),
    );
    await deliver("price.created", price({ id: "price_tiered", unit_amount: null }));
    expect(await initechPlans()).toEqual([]);
    expect(await sql`select count(*)::int as n from public.billing_prices`).toEqual([{ n: 3 }]);
  });
});

describe("who reads the catalog", () => {
  test("members of a company read it; a signed-in user of no company reads nothing", async () => {
    await deliver("product.created", product());
    await deliver("price.created", price());
    const { asUser } = await import("@/lib/db");
    const count =
      "select (select count(*) from public.billing_products)::int as products, (select count(*) from public.billing_prices)::int as prices";
    expect(await asUser(claimsFor(INITECH_OWNER), count)).toEqual([{ products: 1, prices: 1 }]);
    const stranger = "00000000-0000-4000-8000-000000000009";
    await sql`insert into auth.users (id, email) values (${stranger}, 'stranger@example.test')`;
    await signInEveryone(sql);
    expect(await asUser(claimsFor(stranger), count)).toEqual([{ products: 0, prices: 0 }]);
    await expect(asUser(claimsFor(INITECH_OWNER), "update public.billing_prices set unit_amount = 1")).rejects.toThrow(
      /permission denied/,
    );
  });

  test("STRIPE_PLAN_PRICES narrows the offer by price id or lookup key", async () => {
    await deliver("product.created", product());
    await deliver("price.created", price());
    await deliver("price.created", price({ id: "price_team_yearly", lookup_key: "team_yearly" }));
    const { asUser } = await import("@/lib/db");
    const offered = (allow: string | null) =>
      asUser<{ price_id: string }>(
        claimsFor(INITECH_OWNER),
        "select price_id from private.offered_plans(string_to_array(nullif(current_setting('app.allow'), ''), ','))",
        { allow },
      ).then((rows) => rows.map((r) => r.price_id).sort());
    expect(await offered(null)).toEqual(["price_team_monthly", "price_team_yearly"]);
    expect(await offered("team_yearly")).toEqual(["price_team_yearly"]);
    expect(await offered("price_team_monthly,price_elsewhere")).toEqual(["price_team_monthly"]);
  });
});

describe("billing:sync", () => {
  test("pulls every active recurring price with its product, and takes prices Stripe no longer lists off offer", async () => {
    await deliver("product.created", product());
    await deliver("price.created", price());
    const { syncCatalog } = await import("@/lib/billing/catalog-sync");
    const inStripe = (await stripeAdmin.prices.list({ active: true, type: "recurring", limit: 100 })).data;
    expect(inStripe.map((p) => p.id)).toContain("price_pro_monthly");
    expect(await syncCatalog()).toEqual({
      prices: inStripe.length,
      products: new Set(inStripe.map((p) => p.product)).size,
      deactivated: 1, // price_team_monthly, which Stripe does not list
    });
    expect((await initechPlans()).map((p) => p.priceId).sort()).toEqual(inStripe.map((p) => p.id).sort());
    const pro = (await initechPlans()).find((p) => p.priceId === "price_pro_monthly");
    expect(pro).toMatchObject({ productName: "Pro", amount: 4900, interval: "month", currency: "usd" });
    // Events older than the sync change nothing; a newer one does.
    expect(
      await deliver("price.updated", price({ id: "price_pro_monthly", product: "prod_pro", unit_amount: 1 })),
    ).toBe("stale");
    const later = Math.floor(Date.now() / 1000) + 60;
    expect(
      await deliver("price.updated", price({ id: "price_pro_monthly", product: "prod_pro", active: false }), later),
    ).toBe("applied");
    expect((await initechPlans()).map((p) => p.priceId)).not.toContain("price_pro_monthly");
  });
});
