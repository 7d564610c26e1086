// Two events about one object made in the same second, delivered in either order (or at once)
// through the signed webhook route, against a real PostgreSQL and the Stripe stand-in: the row
// must end as Stripe has the object, and only the tie may cost a Stripe call.
import type postgres from "postgres";
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { StripeControl } from "../stand-ins/stripe-stand-in.ts";
import { deliverSigned, stripeEvent } from "./signed-events.ts";
import { startTestStack, type TestStack } from "./stack.ts";

const SECRET = "whsec_same_second_test";
const ACME = "22222222-2222-4222-8222-000000000001";
const CUSTOMER = "cus_AcmeDemo000001";

let stack: TestStack<{ stripe: true }>;
let sql: postgres.Sql;
let client: Stripe;
let control: StripeControl;

beforeAll(async () => {
  stack = await startTestStack({ stripe: true, env: { STRIPE_WEBHOOK_SECRET: SECRET } });
  ({ sql } = stack);
  client = stack.stripe.sdk({ maxNetworkRetries: 0 });
  ({ control } = stack.stripe);
});

afterAll(() => stack?.cleanup());

beforeEach(async () => {
  // Acme anew in Stripe: an active Pro subscription and a Visa card as the default.
  await control.seedCustomer({
    id: CUSTOMER,
    name: "Acme Inc",
    metadata: { company_id: ACME },
    subscription: { price: "price_pro_monthly" },
    paymentMethod: { brand: "visa", last4: "4242", expMonth: 12, expYear: 2030 },
  });
  await control.reset();
  await sql`truncate public.stripe_events, public.billing_subscriptions, public.billing_customers, public.billing_invoices, public.billing_payment_methods`;
});

/** A signed delivery of `object` as an event of `type` made at second `created`. */
async function deliver(type: string, object: object, created: number) {
  const { status, body } = await deliverSigned(stripeEvent(type, object, created), SECRET);
  return { status, body };
}

const subscriptionOf = async () => (await client.subscriptions.list({ customer: CUSTOMER, limit: 1 })).data[0]!;

async function subscriptionRow(id: string) {
  const [row] = await sql`
    select status, price_id, cancel_at_period_end, current_period_end from public.billing_subscriptions
    where stripe_subscription_id = ${id}`;
  return row;
}
async function expectSubscriptionAsStripeHasIt(id: string) {
  const s = await client.subscriptions.retrieve(id);
  expect(await subscriptionRow(id)).toEqual({
    status: s.status,
    price_id: s.items.data[0]!.price.id,
    cancel_at_period_end: s.cancel_at_period_end,
    current_period_end: new Date(s.items.data[0]!.current_period_end * 1000),
  });
}

/** Stripe's snapshot before and after one change, as the two events of one second would carry them. */
async function subscriptionChange() {
  const before = await subscriptionOf();
  await control.simulate(CUSTOMER, "payment_failed");
  const after = await client.subscriptions.retrieve(before.id);
  expect([before.status, after.status]).toEqual(["active", "past_due"]);
  return { before, after, second: Math.floor(Date.now() / 1000) };
}

describe("a subscription changed twice in one second", () => {
  test.each([
    ["older snapshot first", ["before", "after"]],
    ["newer snapshot first", ["after", "before"]],
  ] as const)("%s: the row ends as Stripe has it, and the tie costs one read", async (_, order) => {
    const change = await subscriptionChange();
    await control.reset();
    const [first, second] = order.map((k) => change[k]);
    expect((await deliver("customer.subscription.updated", first!, change.second)).body.outcome).toBe("applied");
    expect(await control.calls()).toEqual({});
    expect(await deliver("customer.subscription.updated", second!, change.second)).toEqual({
      status: 200,
      body: { received: true, outcome: "applied", detail: "same-second tie: written as Stripe returned it" },
    });
    expect(await control.calls()).toEqual({ "GET /v1/subscriptions/:id": 1 });
    await expectSubscriptionAsStripeHasIt(change.after.id);
    expect((await subscriptionRow(change.after.id))?.status).toBe("past_due");
  });

  test("delivered at the same moment, in both orders, they still end as Stripe has it", async () => {
    const change = await subscriptionChange();
    for (const pair of [
      [change.before, change.after],
      [change.after, change.before],
    ]) {
      for (let round = 0; round < 3; round++) {
        await sql`truncate public.stripe_events, public.billing_subscriptions`;
        await Promise.all(pair.map((s) => deliver("customer.subscription.updated", s, change.second)));
        await expectSubscriptionAsStripeHasIt(change.after.id);
      }
    }
  });

  test("an older second is stale and a newer one applies, neither asking Stripe", async () => {
    const change = await subscriptionChange();
    await control.reset();
    expect((await deliver("customer.subscription.updated", change.after, change.second)).body.outcome).toBe("applied");
    expect((await deliver("customer.subscription.updated", change.before, change.second - 1)).body.outcome).toBe(
      "stale",
    );
    expect((await deliver("customer.subscription.updated", change.after, change.second + 1)).body.outcome).toBe(
      "applied",
    );
    expect(await control.calls()).toEqual({});
  });

  test("Stripe down while settling a tie: 503, nothing recorded, and the redelivery settles it", async () => {
    const change = await subscriptionChange();
    await deliver("customer.subscription.updated", change.after, change.second);
    await control.fault({ path: "/v1/subscriptions/:id", mode: "status", status: 500, count: 2 });
    const tie = { ...change.before };
    const event = stripeEvent("customer.subscription.updated", tie, change.second, "evt_same_retry");
    const post = () => deliverSigned(event, SECRET);
    const down = await post();
    expect(down.status).toBe(503);
    expect(down.body.code).toBe("stripe_unavailable");
    expect(await sql`select id from public.stripe_events where id = 'evt_same_retry'`).toEqual([]);
    expect((await post()).status).toBe(200);
    await expectSubscriptionAsStripeHasIt(change.after.id);
  });
});

describe("a customer changed twice in one second", () => {
  async function cardDetached() {
    const before = (await client.customers.retrieve(CUSTOMER)) as Stripe.Customer;
    expect(before.invoice_settings.default_payment_method).toMatch(/^pm_/);
    await control.simulate(CUSTOMER, "detach_card");
    return {
      before,
      after: (await client.customers.retrieve(CUSTOMER)) as Stripe.Customer,
      second: Math.floor(Date.now() / 1000),
    };
  }
  const defaultCard = async () =>
    (
      await sql`select default_payment_method_id as pm, deleted from public.billing_customers where company_id = ${ACME}`
    )[0];

  test.each([
    ["older snapshot first", ["before", "after"]],
    ["newer snapshot first", ["after", "before"]],
  ] as const)("%s: the default card is Stripe's (none)", async (_, order) => {
    const change = await cardDetached();
    await control.reset();
    for (const k of order) expect((await deliver("customer.updated", change[k], change.second)).status).toBe(200);
    expect(await defaultCard()).toEqual({ pm: null, deleted: false });
    expect(await control.calls()).toEqual({ "GET /v1/customers/:id": 1 });
  });

  test.each([
    ["update first", ["customer.updated", "customer.deleted"]],
    ["deletion first", ["customer.deleted", "customer.updated"]],
  ] as const)("updated and deleted in one second, %s: the customer ends deleted", async (_, order) => {
    const before = (await client.customers.retrieve(CUSTOMER)) as Stripe.Customer;
    await client.customers.del(CUSTOMER);
    const second = Math.floor(Date.now() / 1000);
    for (const type of order) expect((await deliver(type, before, second)).status).toBe(200);
    expect((await defaultCard())?.deleted).toBe(true);
  });
});
