// Back from Checkout against a real PostgreSQL and the Stripe stand-in: what a completed Checkout
// made is recorded at once (the return to /billing), versioned so the webhooks that follow find
// nothing new and a genuinely newer one still applies; checkout.session.completed records it when
// nobody came back. Every session here is a real one of the stand-in, made with the app's own
// parameters and paid on its hosted page.
import { randomUUID } from "node:crypto";
import type postgres from "postgres";
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { deliverEvent } from "./signed-events.ts";
import { claimsFor, signInEveryone } from "./signed-in-claims.ts";
import { startTestStack, type TestStack } from "./stack.ts";
import { payOnPage } from "../stand-ins/checkout-page.ts";

const SECRET = "whsec_checkout_return_secret";
const OWNER = "11111111-1111-4111-8111-000000000007"; // owner@initech.test, owner of every company here
const MEMBER = "11111111-1111-4111-8111-000000000004";

let stack: TestStack<{ stripe: true }>;
let sql: postgres.Sql;
let stripeAdmin: Stripe;

beforeAll(async () => {
  stack = await startTestStack({ stripe: true, env: { STRIPE_WEBHOOK_SECRET: SECRET } });
  ({ sql } = stack);
  await signInEveryone(sql);
  stripeAdmin = stack.stripe.sdk();
  await (await import("@/lib/billing/catalog-sync")).syncCatalog();
});

afterAll(() => stack?.cleanup());

beforeEach(() => stack.stripe.control.reset());

const calls = () => stack.stripe.control.calls();

const EXPAND = ["customer", "subscription", "subscription.latest_invoice", "subscription.default_payment_method"];

/**
 * A company with no customer linked yet, and in Stripe what its Checkout made: a customer
 * (metadata.company_id) and a session made with the app's parameters, paid with 4242 (an active
 * Pro subscription, its first paid invoice and the card) unless `pay` is false.
 */
async function companyThatPaid(name: string, opts: { trialDays?: number; pay?: boolean } = {}) {
  const companyId = randomUUID();
  await sql`insert into public.companies (id, name) values (${companyId}, ${name})`;
  await sql`insert into public.company_members (company_id, user_id, role) values (${companyId}, ${OWNER}, 'owner'), (${companyId}, ${MEMBER}, 'member')`;
  const customer = await stripeAdmin.customers.create({ name, metadata: { company_id: companyId } });
  const { checkoutSessionParams } = await import("@/lib/billing/checkout-params");
  const plan = { companyId, customerId: customer.id, priceId: "price_pro_monthly", trialDays: opts.trialDays ?? null };
  const back = `http://localhost:3000/billing?company=${companyId}`;
  const switches = { automaticTax: false, taxIdCollection: false };
  const session = await stripeAdmin.checkout.sessions.create(checkoutSessionParams(plan, back, switches));
  if (opts.pay !== false) expect((await payOnPage(session.url!, "4242424242424242")).status).toBe(303);
  const subscriptionId = (await stripeAdmin.checkout.sessions.retrieve(session.id)).subscription as string | null;
  return { companyId, customerId: customer.id, sessionId: session.id, subscriptionId };
}

/** The session as the return page reads it: customer and subscription (invoice, card) expanded. */
const expandedSession = (paid: Awaited<ReturnType<typeof companyThatPaid>>) =>
  stripeAdmin.checkout.sessions.retrieve(paid.sessionId, { expand: EXPAND });

const subscriptionRows = (companyId: string) =>
  sql`select status from public.billing_subscriptions where company_id = ${companyId}`;

async function page(companyId: string) {
  const { companiesForUser } = await import("@/lib/billing/queries");
  return (await companiesForUser(claimsFor(OWNER))).find((c) => c.id === companyId)!;
}

const deliver = (type: string, object: object, created: number) => deliverEvent(SECRET, type, object, created);
const ids = (session: Stripe.Checkout.Session) => ({
  ...session,
  customer: (session.customer as Stripe.Customer).id,
  subscription: (session.subscription as Stripe.Subscription).id,
});

describe("the return to /billing records at once", () => {
  test("the page shows Active with plan and card before any webhook; the webhooks that follow change nothing", async () => {
    const paid = await companyThatPaid("Returned Co");
    const session = await expandedSession(paid);
    const readAt = new Date();
    const { recordCheckoutSession } = await import("@/lib/billing/checkout-record");
    const { db } = await import("@/lib/db");
    expect(await db().begin((tx) => recordCheckoutSession(tx, paid.companyId, session, readAt))).toEqual({
      outcome: "applied",
    });

    const shown = await page(paid.companyId);
    expect(shown).toMatchObject({
      hasBillingAccount: true,
      hasLiveSubscription: true,
      plans: [],
      subscription: { status: "active", planName: "Pro", amount: 4900 },
      card: { brand: "visa", last4: "4242" },
    });
    expect(shown.invoices).toHaveLength(1);

    // What Stripe sent while the person was still on Checkout, delivered late (webhooks held back).
    const before = Math.floor(readAt.getTime() / 1000) - 2;
    const sub = session.subscription as Stripe.Subscription;
    const invoice = sub.latest_invoice as Stripe.Invoice;
    const card = sub.default_payment_method as Stripe.PaymentMethod;
    const customer = session.customer as Stripe.Customer;
    await stack.stripe.control.reset();
    expect(await deliver("customer.created", customer, before - 1)).toBe("stale");
    expect(await deliver("payment_method.attached", card, before - 1)).toBe("stale");
    expect(await deliver("customer.subscription.created", { ...sub, status: "incomplete" }, before)).toBe("stale");
    expect(await deliver("invoice.paid", invoice, before)).toBe("stale");
    expect(await deliver("checkout.session.completed", ids(session), before)).toBe("stale");
    expect(await calls()).toEqual({}); // nothing new, so nothing asked of Stripe
    // Only the time the last event arrived moves: everything the page shows of billing stays.
    expect(await page(paid.companyId)).toEqual({ ...shown, lastEventAt: expect.any(Date) });

    // A change after the return is applied as usual.
    const later = Math.floor(readAt.getTime() / 1000) + 5;
    expect(await deliver("customer.subscription.updated", { ...sub, status: "past_due" }, later)).toBe("applied");
    expect((await page(paid.companyId)).subscription?.status).toBe("past_due");
  });

  test("a company linked to another customer is flagged and nothing is written", async () => {
    const paid = await companyThatPaid("Relinked Co");
    await sql`update public.companies set stripe_customer_id = 'cus_SomeoneElse01' where id = ${paid.companyId}`;
    const { recordCheckoutSession } = await import("@/lib/billing/checkout-record");
    const { db } = await import("@/lib/db");
    const result = await db().begin(async (tx) =>
      recordCheckoutSession(tx, paid.companyId, await expandedSession(paid), new Date()),
    );
    expect(result.outcome).toBe("flagged");
    expect(await sql`select 1 from public.billing_subscriptions where company_id = ${paid.companyId}`).toHaveLength(0);
  });
});

describe("checkout.session.completed when nobody came back", () => {
  test("links the company and records what the session made, read from Stripe (1 call, after the event's transaction); a second delivery is a no-op", async () => {
    const paid = await companyThatPaid("Tab Closed Co");
    const session = ids(await expandedSession(paid));
    const now = Math.floor(Date.now() / 1000);
    await stack.stripe.control.reset();
    expect(await deliver("checkout.session.completed", session, now)).toBe("applied");
    expect(await calls()).toEqual({ "GET /v1/checkout/sessions/:id": 1 });
    expect(await page(paid.companyId)).toMatchObject({
      hasBillingAccount: true,
      subscription: { status: "active", planName: "Pro" },
    });
    expect((await sql`select stripe_customer_id from public.companies where id = ${paid.companyId}`)[0]).toEqual({
      stripe_customer_id: paid.customerId,
    });
    await stack.stripe.control.reset();
    expect(await deliver("checkout.session.completed", session, now + 1)).toBe("stale");
    expect(await calls()).toEqual({});
  });

  test("no database transaction stays open while Stripe is asked", async () => {
    const paid = await companyThatPaid("Slow Stripe Co");
    const session = ids(await expandedSession(paid));
    await stack.stripe.control.reset();
    await stack.stripe.control.fault({ path: "/v1/checkout/sessions/:id", method: "GET", mode: "latency", ms: 1500 });
    const delivering = deliver("checkout.session.completed", session, Math.floor(Date.now() / 1000));
    while ((await calls())["GET /v1/checkout/sessions/:id"] !== 1) await new Promise((r) => setTimeout(r, 20));
    const [open] = await sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and state like 'idle in transaction%'`;
    expect(open!.n).toBe(0);
    expect(await delivering).toBe("applied");
  });

  test.each([
    ["metadata naming another company", { metadata: { company_id: randomUUID() } }, "flagged"],
    ["a payment-mode checkout", { mode: "payment" }, "ignored"],
    [
      "a client_reference_id that is no company of ours",
      { client_reference_id: randomUUID(), customer: "cus_Nobody" },
      "ignored",
    ],
  ])("%s → %s, nothing written", async (_name, overrides, outcome) => {
    const paid = await companyThatPaid(`Odd Co ${randomUUID().slice(0, 8)}`);
    const session = { ...ids(await expandedSession(paid)), ...overrides };
    expect(await deliver("checkout.session.completed", session, Math.floor(Date.now() / 1000))).toBe(outcome);
    expect(await sql`select 1 from public.billing_subscriptions where company_id = ${paid.companyId}`).toHaveLength(0);
  });
});

describe("finishCheckout (the page's entry)", () => {
  test("a malformed session id is refused without asking Stripe", async () => {
    const { finishCheckout } = await import("@/lib/billing/checkout-return");
    expect(await finishCheckout(claimsFor(OWNER), "cs_test_../../v1/customers")).toMatchObject({
      kind: "failed",
      error: { code: "invalid_request" },
    });
    expect(await calls()).toEqual({});
  });

  test("someone who manages no company gets nothing done and costs no Stripe call", async () => {
    const { finishCheckout } = await import("@/lib/billing/checkout-return");
    expect(await finishCheckout(claimsFor("11111111-1111-4111-8111-000000000004"), "cs_test_abc")).toBeNull();
    expect(await calls()).toEqual({});
  });

  test("?checkout=canceled says no plan was chosen", async () => {
    const { checkoutReturn } = await import("@/lib/billing/checkout-return");
    expect(await checkoutReturn(claimsFor(OWNER), { checkout: "canceled" })).toEqual({ kind: "canceled" });
    expect(await checkoutReturn(claimsFor(OWNER), { checkout: ["canceled", "x"] })).toBeNull();
  });
});

describe("back from Checkout through the page's entry (checkoutReturn)", () => {
  const back = (sessionId: string) =>
    import("@/lib/billing/checkout-return").then((m) =>
      m.checkoutReturn(claimsFor(OWNER), { checkout_session: sessionId }),
    );

  test.each([
    [{}, "active", "Pro"],
    [{ trialDays: 14 }, "trialing", "Pro"],
  ])("a completed Checkout %j is recorded before any webhook: %s", async (opts, status, planName) => {
    const paid = await companyThatPaid(`Back Co ${randomUUID().slice(0, 8)}`, opts);
    await stack.stripe.control.reset();
    expect(await back(paid.sessionId)).toEqual({ kind: "recorded", companyId: paid.companyId, status });
    expect(await calls()).toEqual({ "GET /v1/checkout/sessions/:id": 1 });
    expect(await page(paid.companyId)).toMatchObject({
      hasBillingAccount: true,
      hasLiveSubscription: true,
      subscription: { status, planName },
      card: { brand: "visa", last4: "4242" },
    });
    expect((await sql`select stripe_customer_id from public.companies where id = ${paid.companyId}`)[0]).toEqual({
      stripe_customer_id: paid.customerId,
    });
  });

  test("the Checkout's own events, delivered before the return, don't hide what the return read", async () => {
    const paid = await companyThatPaid(`Early Events Co ${randomUUID().slice(0, 8)}`);
    const session = await expandedSession(paid);
    const sub = session.subscription as Stripe.Subscription;
    // What the webhooks of the Checkout's second say, arriving while the person is redirected back.
    await sql`update public.companies set stripe_customer_id = ${paid.customerId} where id = ${paid.companyId}`;
    expect(await deliver("customer.subscription.created", { ...sub, status: "incomplete" }, sub.created)).toBe(
      "applied",
    );
    expect((await page(paid.companyId)).subscription?.status).toBe("incomplete");
    expect(await back(paid.sessionId)).toEqual({ kind: "recorded", companyId: paid.companyId, status: "active" });
    expect((await page(paid.companyId)).subscription?.status).toBe("active");
    // Its later siblings of the same second tie with the read, and are settled by reading Stripe again.
    expect(await deliver("customer.subscription.updated", sub, sub.created)).toBe("applied");
    expect((await page(paid.companyId)).subscription?.status).toBe("active");
  });

  test("a session of a company you don't manage is refused, and nothing is written", async () => {
    const paid = await companyThatPaid("Not Yours Co");
    await sql`delete from public.company_members where company_id = ${paid.companyId} and user_id = ${OWNER}`;
    expect(await back(paid.sessionId)).toMatchObject({ kind: "failed", error: { code: "company_not_found" } });
    expect(await subscriptionRows(paid.companyId)).toHaveLength(0);
  });

  test("a session of another customer than the company's is refused, and nothing is written", async () => {
    const paid = await companyThatPaid("Other Customer Co");
    const other = (await stripeAdmin.customers.create({ name: "Someone else" })).id;
    await sql`update public.companies set stripe_customer_id = ${other} where id = ${paid.companyId}`;
    expect(await back(paid.sessionId)).toMatchObject({
      kind: "failed",
      error: { code: "invalid_request", message: "That checkout doesn't belong to this company's billing account." },
    });
    expect(await subscriptionRows(paid.companyId)).toHaveLength(0);
  });

  test("an open session, and an expired one, say no plan was chosen and write nothing", async () => {
    const unpaid = await companyThatPaid("Unpaid Co", { pay: false });
    expect(await back(unpaid.sessionId)).toEqual({
      kind: "not_completed",
      companyId: unpaid.companyId,
      expired: false,
    });
    await stripeAdmin.checkout.sessions.expire(unpaid.sessionId);
    expect(await back(unpaid.sessionId)).toEqual({ kind: "not_completed", companyId: unpaid.companyId, expired: true });
    expect(await subscriptionRows(unpaid.companyId)).toHaveLength(0);
    expect((await sql`select stripe_customer_id from public.companies where id = ${unpaid.companyId}`)[0]).toEqual({
      stripe_customer_id: null,
    });
  });

  test("an unknown cs_ id is a clear notice (invalid_request), not a 500", async () => {
    expect(await back("cs_test_a1DoesNotExist")).toMatchObject({
      kind: "failed",
      error: { code: "invalid_request", message: "We couldn't find that checkout in Stripe." },
    });
  });
});
