// npm run billing:sync's core, against the Stripe stand-in (official SDK over HTTP) and a real PostgreSQL.
import type postgres from "postgres";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestStack, type TestStack } from "./stack.ts";
import { acmeWithHistory, globexCustomer, umbrellaDeleted } from "./stripe-seed.ts";

const ACME = "22222222-2222-4222-8222-000000000001";
const UMBRELLA = "22222222-2222-4222-8222-000000000004";

let stack: TestStack<{ stripe: true }>;
let sql: postgres.Sql;
let sync: typeof import("@/lib/billing/sync");

beforeAll(async () => {
  stack = await startTestStack({
    stripe: {
      seed: {
        customers: [
          acmeWithHistory,
          { ...globexCustomer, subscription: { price: "price_starter_monthly", status: "trialing", trialDays: 14 } },
          umbrellaDeleted,
        ],
      },
    },
  });
  sync = await import("@/lib/billing/sync");
  ({ sql } = stack);
});

afterAll(() => stack?.cleanup());

const stripeCalls = () => stack.stripe.control.calls();

test("every linked company is pulled from Stripe: subscription, card, invoices; a deleted customer is marked", async () => {
  const companies = await sync.linkedCompanies();
  expect(companies.map((c) => c.name)).toEqual(["Acme Inc", "Globex Corp", "Umbrella Ltd"]);
  const reports = await Promise.all(companies.map((c) => sync.syncCompanyBilling(c.id, c.customerId)));
  expect(reports.map((r) => r.outcome)).toEqual(["synced", "synced", "customer_deleted"]);
  // Within Stripe's limits (the stand-in refuses an expansion past four levels): the customer,
  // its subscriptions and its invoices; these plans' prices have nicknames, so no products.
  expect(await stripeCalls()).toEqual({
    "GET /v1/customers/:id": 3,
    "GET /v1/subscriptions": 2,
    "GET /v1/invoices": 2,
  });

  const [sub] =
    await sql`select status, plan_name, amount::int, interval, current_period_end from public.billing_subscriptions where company_id = ${ACME}`;
  expect(sub).toMatchObject({ status: "active", plan_name: "Pro", amount: 4900, interval: "month" });
  expect(sub?.current_period_end).toBeInstanceOf(Date);
  const [card] =
    await sql`select p.brand, p.last4 from public.billing_payment_methods p join public.billing_customers c on c.default_payment_method_id = p.stripe_payment_method_id where c.company_id = ${ACME}`;
  expect(card).toEqual({ brand: "visa", last4: "4242" });
  expect((await sql`select count(*)::int as n from public.billing_invoices where company_id = ${ACME}`)[0]?.n).toBe(2);
  expect(
    (await sql`select status from public.billing_subscriptions where company_id <> ${ACME}`).map((r) => r.status),
  ).toEqual(["trialing"]);
  expect((await sql`select deleted from public.billing_customers where company_id = ${UMBRELLA}`)[0]?.deleted).toBe(
    true,
  );
});

test("a sync is newer than any event created before it: an older event is not applied after it", async () => {
  const [before] = await sql`select stripe_event_at from public.billing_subscriptions where company_id = ${ACME}`;
  const { applyStripeEvent } = await import("@/lib/billing/webhooks/apply-event");
  const [row] =
    await sql`select stripe_subscription_id as id from public.billing_subscriptions where company_id = ${ACME}`;
  const stale = Math.floor(new Date(before!.stripe_event_at).getTime() / 1000) - 5;
  const event = {
    id: "evt_old",
    object: "event",
    type: "customer.subscription.updated",
    created: stale,
    data: {
      object: {
        id: row!.id,
        object: "subscription",
        customer: "cus_AcmeDemo000001",
        status: "past_due",
        cancel_at_period_end: false,
        created: stale,
        metadata: {},
        items: { data: [] },
      },
    },
  };
  expect((await applyStripeEvent(event as never)).outcome).toBe("stale");
  expect((await sql`select status from public.billing_subscriptions where company_id = ${ACME}`)[0]?.status).toBe(
    "active",
  );
});

test("a plan whose price has no nickname is named after its product, fetched once a run", async () => {
  await stack.stripe.control.seedCustomer({
    id: "cus_AcmeDemo000001",
    name: "Acme Inc",
    metadata: { company_id: ACME },
    subscription: { price: "price_team_legacy_monthly" },
  });
  await stack.stripe.control.call("DELETE", "counters");
  const products: import("@/lib/billing/sync").ProductCache = new Map();
  await sync.syncCompanyBilling(ACME, "cus_AcmeDemo000001", products);
  await sync.syncCompanyBilling(ACME, "cus_AcmeDemo000001", products);
  expect((await stripeCalls())["GET /v1/products"]).toBe(1);
  const plans =
    await sql`select plan_name, status from public.billing_subscriptions where company_id = ${ACME} and price_id = 'price_team_legacy_monthly'`;
  expect(plans).toEqual([{ plan_name: "Team (legacy)", status: "active" }]);
});
