// POST /api/stripe/webhook against a real PostgreSQL: signatures, once-only, ordering, retries.
import type postgres from "postgres";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { deliverSigned, proSubscription, stripeEvent } from "./signed-events.ts";
import { startTestStack, type TestStack } from "./stack.ts";

const SECRET = "whsec_integration_test_secret";
const ACME = "22222222-2222-4222-8222-000000000001";
const GLOBEX = "22222222-2222-4222-8222-000000000002";
const ACME_CUSTOMER = "cus_AcmeDemo000001";
const T0 = 1_790_000_000;

let stack: TestStack;
let sql: postgres.Sql;

beforeAll(async () => {
  stack = await startTestStack({ env: { STRIPE_WEBHOOK_SECRET: SECRET } });
  ({ sql } = stack);
});

afterAll(() => stack?.cleanup());

beforeEach(async () => {
  await sql`truncate public.stripe_events, public.billing_subscriptions, public.billing_customers, public.billing_invoices, public.billing_payment_methods`;
});

const event = (type: string, object: object, created = T0) => stripeEvent(type, object, created);

const subscription = (overrides: Record<string, unknown> = {}) =>
  proSubscription(
    { id: "sub_acme", itemId: "si_1" },
    { created: T0 - 86400 * 40, periodEnd: T0 + 86400 * 20 },
    overrides,
  );

async function deliver(payload: object, opts: { secret?: string; signature?: string | null } = {}) {
  const { status, body } = await deliverSigned(payload, opts.secret ?? SECRET, { signature: opts.signature });
  return { status, body };
}

const subRow = async () =>
  (
    await sql`select status, plan_name, amount, cancel_at_period_end, current_period_end from public.billing_subscriptions where stripe_subscription_id = 'sub_acme'`
  )[0];
const eventCount = async () => (await sql`select count(*)::int as n from public.stripe_events`)[0]?.n;

describe("signature", () => {
  test("a bad or missing signature is 400 and changes nothing", async () => {
    const payload = event("customer.subscription.updated", subscription());
    expect((await deliver(payload, { secret: "whsec_someone_else" })).status).toBe(400);
    expect((await deliver(payload, { signature: null })).status).toBe(400);
    expect((await deliver(payload, { signature: "t=1,v1=deadbeef" })).body.code).toBe("invalid_request");
    expect(await eventCount()).toBe(0);
    expect(await subRow()).toBeUndefined();
  });

  test("a signed event is applied", async () => {
    expect(await deliver(event("customer.subscription.updated", subscription()))).toEqual({
      status: 200,
      body: { received: true, outcome: "applied" },
    });
    expect(await subRow()).toMatchObject({
      status: "active",
      plan_name: "Pro",
      amount: "4900",
      cancel_at_period_end: false,
    });
  });
});

describe("once only", () => {
  test("a repeated delivery is acknowledged with 200 and not applied again", async () => {
    const payload = event("customer.subscription.updated", subscription({ cancel_at_period_end: true }));
    expect((await deliver(payload)).body.outcome).toBe("applied");
    await sql`update public.billing_subscriptions set cancel_at_period_end = false`; // if re-applied, this would flip back
    expect(await deliver(payload)).toEqual({ status: 200, body: { received: true, outcome: "duplicate" } });
    expect((await subRow())?.cancel_at_period_end).toBe(false);
    expect(await eventCount()).toBe(1);
  });

  test("concurrent deliveries of one event apply it once", async () => {
    const payload = event("invoice.paid", {
      id: "in_1",
      object: "invoice",
      customer: ACME_CUSTOMER,
      number: "ACME-0001",
      status: "paid",
      amount_due: 4900,
      amount_paid: 4900,
      currency: "usd",
      hosted_invoice_url: "https://invoice.example/in_1",
      created: T0,
    });
    const results = await Promise.all(Array.from({ length: 5 }, () => deliver(payload)));
    expect(results.map((r) => r.body.outcome).sort()).toEqual([
      "applied",
      "duplicate",
      "duplicate",
      "duplicate",
      "duplicate",
    ]);
  });
});

describe("ordering", () => {
  test("an older event never overwrites newer state", async () => {
    expect(
      (await deliver(event("customer.subscription.updated", subscription({ status: "past_due" }), T0 + 10))).body
        .outcome,
    ).toBe("applied");
    expect(
      (await deliver(event("customer.subscription.updated", subscription({ status: "active" }), T0))).body.outcome,
    ).toBe("stale");
    expect((await subRow())?.status).toBe("past_due");
    expect(
      (await deliver(event("customer.subscription.updated", subscription({ status: "active" }), T0 + 20))).body.outcome,
    ).toBe("applied");
    expect((await subRow())?.status).toBe("active");
  });
});

describe("failure, then retry", () => {
  test("if applying fails: 500, nothing half-written, and the retry applies it", async () => {
    await sql`create function public.fail_once() returns trigger language plpgsql as $$ begin raise exception 'disk on fire'; end $$`;
    await sql`create trigger fail_once before insert on public.billing_subscriptions for each row execute function public.fail_once()`;
    const payload = event("customer.subscription.created", subscription());
    try {
      expect(await deliver(payload)).toEqual({
        status: 500,
        body: { code: "internal", error: expect.not.stringContaining("disk on fire") },
      });
      expect(await eventCount()).toBe(0);
      expect(await subRow()).toBeUndefined();
    } finally {
      await sql`drop trigger fail_once on public.billing_subscriptions`;
      await sql`drop function public.fail_once()`;
    }
    expect((await deliver(payload)).body.outcome).toBe("applied");
    expect((await subRow())?.status).toBe("active");
  });
});

describe("which company", () => {
  test("a customer whose metadata names another company is flagged and not applied", async () => {
    const customer = {
      id: ACME_CUSTOMER,
      object: "customer",
      metadata: { company_id: GLOBEX },
      invoice_settings: { default_payment_method: "pm_evil" },
    };
    expect((await deliver(event("customer.updated", customer))).body).toMatchObject({ outcome: "flagged" });
    expect(await sql`select * from public.billing_customers`).toEqual([]);
    const [row] = await sql`select outcome, detail from public.stripe_events`;
    expect(row?.outcome).toBe("flagged");
    expect(row?.detail).toContain(GLOBEX);
  });

  test("a customer with matching metadata is applied; an unlinked customer is ignored", async () => {
    const customer = {
      id: ACME_CUSTOMER,
      object: "customer",
      metadata: { company_id: ACME },
      invoice_settings: { default_payment_method: "pm_visa" },
    };
    expect((await deliver(event("customer.updated", customer))).body.outcome).toBe("applied");
    expect(
      (await sql`select default_payment_method_id from public.billing_customers where company_id = ${ACME}`)[0]
        ?.default_payment_method_id,
    ).toBe("pm_visa");
    expect((await deliver(event("customer.updated", { ...customer, id: "cus_Unknown" }))).body.outcome).toBe("ignored");
  });
});

describe("event types", () => {
  test("payment methods attach and detach; customers are marked deleted; other events are ignored", async () => {
    const pm = {
      id: "pm_visa",
      object: "payment_method",
      type: "card",
      customer: ACME_CUSTOMER,
      card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2030 },
    };
    expect((await deliver(event("payment_method.attached", pm))).body.outcome).toBe("applied");
    expect((await deliver(event("payment_method.detached", { ...pm, customer: null }, T0 + 1))).body.outcome).toBe(
      "applied",
    );
    expect((await sql`select brand, last4, detached from public.billing_payment_methods`)[0]).toEqual({
      brand: "visa",
      last4: "4242",
      detached: true,
    });
    expect(
      (await deliver(event("customer.deleted", { id: ACME_CUSTOMER, object: "customer", deleted: true, metadata: {} })))
        .body.outcome,
    ).toBe("applied");
    expect((await sql`select deleted from public.billing_customers`)[0]?.deleted).toBe(true);
    expect(await deliver(event("charge.refunded", { id: "ch_1", object: "charge" }))).toEqual({
      status: 200,
      body: { received: true, outcome: "ignored", detail: "event type not handled" },
    });
  });

  test.each([
    "customer.subscription.paused",
    "customer.subscription.resumed",
    "customer.subscription.deleted",
    "customer.subscription.trial_will_end",
  ])("%s writes the subscription", async (type) => {
    const status = {
      "customer.subscription.paused": "paused",
      "customer.subscription.resumed": "active",
      "customer.subscription.deleted": "canceled",
      "customer.subscription.trial_will_end": "trialing",
    }[type];
    expect((await deliver(event(type, subscription({ status })))).body.outcome).toBe("applied");
    expect((await subRow())?.status).toBe(status);
  });

  test.each(["invoice.paid", "invoice.payment_failed", "invoice.finalized"])("%s writes the invoice", async (type) => {
    const status = type === "invoice.paid" ? "paid" : "open";
    expect(
      (
        await deliver(
          event(type, {
            id: "in_x",
            object: "invoice",
            customer: ACME_CUSTOMER,
            number: "ACME-0002",
            status,
            amount_due: 4900,
            amount_paid: 0,
            currency: "usd",
            hosted_invoice_url: null,
            created: T0,
          }),
        )
      ).body.outcome,
    ).toBe("applied");
    expect((await sql`select status, number from public.billing_invoices`)[0]).toEqual({ status, number: "ACME-0002" });
  });
});
