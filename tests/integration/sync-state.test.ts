// What /billing shows about Stripe's events (item 5), from a real PostgreSQL: each recorded event
// names its company, only owners and admins learn when the last one arrived, and a live
// subscription whose renewal is 48 hours overdue is flagged.
import type postgres from "postgres";
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { claimsFor, signInAll } from "./signed-in-claims.ts";
import { startTestStack, type TestStack } from "./stack.ts";

const ACME = "22222222-2222-4222-8222-000000000001";
const ACME_CUSTOMER = "cus_AcmeDemo000001";
const users = {
  owner: "11111111-1111-4111-8111-000000000001",
  admin: "11111111-1111-4111-8111-000000000002",
  billing: "11111111-1111-4111-8111-000000000003",
  member: "11111111-1111-4111-8111-000000000004",
};

let stack: TestStack;
let sql: postgres.Sql;
let apply: typeof import("@/lib/billing/webhooks/apply-event").applyStripeEvent;
let queries: typeof import("@/lib/billing/queries");

beforeAll(async () => {
  stack = await startTestStack({});
  apply = (await import("@/lib/billing/webhooks/apply-event")).applyStripeEvent;
  queries = await import("@/lib/billing/queries");
  ({ sql } = stack);
  await signInAll(sql, Object.values(users));
});

afterAll(() => stack?.cleanup());

beforeEach(async () => {
  await sql`truncate public.stripe_events, public.billing_subscriptions, public.billing_payment_methods`;
});

let seq = 0;
const event = (type: string, object: object) =>
  ({
    id: `evt_sync_${++seq}`,
    object: "event",
    type,
    created: 1_790_000_000 + seq,
    data: { object },
  }) as unknown as Stripe.Event;
const acmeView = async (user: string) => (await queries.companiesForUser(claimsFor(user))).find((c) => c.id === ACME)!;

describe("each event names its company", () => {
  test("by the customer, by a payment method already on file, and none for an unlinked customer", async () => {
    const card = {
      id: "pm_1",
      object: "payment_method",
      type: "card",
      customer: ACME_CUSTOMER,
      card: { brand: "visa", last4: "4242" },
    };
    await apply(
      event("customer.updated", { id: ACME_CUSTOMER, object: "customer", metadata: {}, invoice_settings: {} }),
    );
    await apply(event("payment_method.attached", card));
    await apply(event("payment_method.detached", { ...card, customer: null }));
    await apply(
      event("invoice.paid", { id: "in_1", object: "invoice", customer: { id: ACME_CUSTOMER }, created: 1_790_000_000 }),
    );
    await apply(event("customer.updated", { id: "cus_Stranger", object: "customer", metadata: {} }));
    expect(await sql`select type, company_id from public.stripe_events order by id`).toEqual([
      { type: "customer.updated", company_id: ACME },
      { type: "payment_method.attached", company_id: ACME },
      { type: "payment_method.detached", company_id: ACME },
      { type: "invoice.paid", company_id: ACME },
      { type: "customer.updated", company_id: null },
    ]);
  });
});

describe("the last event, on /billing", () => {
  test("owners and admins see when it arrived; billing managers and members don't", async () => {
    expect((await acmeView(users.owner)).lastEventAt).toBeNull();
    await apply(event("customer.updated", { id: ACME_CUSTOMER, object: "customer", metadata: {} }));
    const [{ at }] = (await sql`select max(received_at) as at from public.stripe_events`) as unknown as [{ at: Date }];
    for (const user of [users.owner, users.admin])
      expect(new Date((await acmeView(user)).lastEventAt!).getTime()).toBe(at.getTime());
    for (const user of [users.billing, users.member]) expect((await acmeView(user)).lastEventAt).toBeNull();
  });

  test("nobody reads stripe_events itself", async () => {
    const { asUser } = await import("@/lib/db");
    await expect(asUser(claimsFor(users.owner), "select * from public.stripe_events")).rejects.toThrow(
      /permission denied/,
    );
  });
});

describe("a renewal overdue by more than 48 hours", () => {
  const subscription = (status: string, periodEnd: string | null) =>
    sql`insert into public.billing_subscriptions (stripe_subscription_id, company_id, status, current_period_end, stripe_created_at, stripe_event_at)
        values ('sub_x', ${ACME}, ${status}, ${periodEnd === null ? null : sql`now() - ${periodEnd}::interval`}, now(), now())`;
  test.each([
    ["active", "3 days", true],
    ["past_due", "49 hours", true],
    ["trialing", "3 days", true],
    ["active", "47 hours", false],
    ["active", "-10 days", false],
    ["canceled", "30 days", false],
    ["paused", "30 days", false],
    ["active", null, false],
  ] as const)("%s, period ended %s ago: %s", async (status, ago, overdue) => {
    await subscription(status, ago);
    expect((await acmeView(users.owner)).subscription?.renewalOverdue).toBe(overdue);
  });
});
