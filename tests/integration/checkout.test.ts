// Subscribe against a real PostgreSQL and the Stripe stand-in (official SDK over HTTP): who may
// subscribe, the company's customer made exactly once (concurrent clicks, a crash between
// Stripe's answer and our write, the webhook arriving first), the Checkout Session it opens
// (parameters, the customer's other sessions settled, a paid one recorded instead), the portal
// instead of a second subscription, one deadline per click, round trips and Stripe calls counted.
import type postgres from "postgres";
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { deliverEvent } from "./signed-events.ts";
import { claimsFor, signInEveryone } from "./signed-in-claims.ts";
import { startTestStack, type TestStack } from "./stack.ts";
import { acmeCustomer } from "./stripe-seed.ts";
import { payOnPage } from "../stand-ins/checkout-page.ts";

const SECRET = "whsec_checkout_test_secret";
const ACME = "22222222-2222-4222-8222-000000000001";
const INITECH = "22222222-2222-4222-8222-000000000003";
const users = {
  acmeOwner: "11111111-1111-4111-8111-000000000001",
  acmeMember: "11111111-1111-4111-8111-000000000004",
  initechOwner: "11111111-1111-4111-8111-000000000007",
  // both@example.test, made a billing manager of every company below
  secondManager: "11111111-1111-4111-8111-000000000006",
};

let stack: TestStack<{ proxy: "roundtrip"; stripe: true }>;
let sql: postgres.Sql;
let stripeAdmin: Stripe;
let decideCheckout: typeof import("@/lib/billing/checkout").decideCheckout;

beforeAll(async () => {
  stack = await startTestStack({
    proxy: "roundtrip",
    stripe: {
      seed: { customers: [acmeCustomer] },
    },
    env: { STRIPE_WEBHOOK_SECRET: SECRET },
  });
  ({ decideCheckout } = await import("@/lib/billing/checkout"));
  ({ sql } = stack);
  await signInEveryone(sql);
  stripeAdmin = stack.stripe.sdk();
  await (await import("@/lib/billing/catalog-sync")).syncCatalog();
  await (await import("@/lib/billing/sync")).syncCompanyBilling(ACME, "cus_AcmeDemo000001");
  await sql`insert into public.company_members (company_id, user_id, role) values (${INITECH}, ${users.secondManager}, 'billing')`;
});

afterAll(() => stack?.cleanup());

beforeEach(async () => {
  await sql`delete from private.portal_session_grants`;
  await stack.stripe.control.reset();
});

const control = <T>(method: string, path: string, body?: unknown) => stack.stripe.control.call<T>(method, path, body);
const calls = () => stack.stripe.control.calls();
const subscribe = (user: string, input: Record<string, unknown>) => decideCheckout(claimsFor(user), input);

/** A company of its own per test, managed by the Initech owner and the second manager. */
async function newCompany(name: string) {
  const [row] = await sql<{ id: string }[]>`insert into public.companies (name) values (${name}) returning id`;
  await sql`insert into public.company_members (company_id, user_id, role)
            values (${row!.id}, ${users.initechOwner}, 'owner'), (${row!.id}, ${users.secondManager}, 'admin')`;
  return row!.id;
}
async function customersOf(companyId: string) {
  const list = await stripeAdmin.customers.list({ limit: 100 });
  return list.data.filter((c) => c.metadata.company_id === companyId);
}
const linkedCustomer = async (companyId: string) =>
  (await sql`select stripe_customer_id from public.companies where id = ${companyId}`)[0]?.stripe_customer_id;
const claims = async (companyId: string) =>
  sql`select name, email from private.billing_customer_claims where company_id = ${companyId}`;

describe("who may subscribe, and what a refused click costs", () => {
  test("a member is refused before Stripe, taking no rate-limit slot", async () => {
    expect(await subscribe(users.acmeMember, { companyId: ACME, price: "price_pro_monthly" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
      companyId: ACME,
    });
    expect(await sql`select 1 from private.portal_session_grants`).toHaveLength(0);
    expect(await calls()).toEqual({});
  });

  test.each([
    [{ companyId: INITECH, price: "price_not_sold" }, "plan_not_found"],
    [{ companyId: INITECH, price: "price_pro_monthly", returnUrl: "https://evil.example/" }, "invalid_return_url"],
    [{ companyId: "00000000-0000-4000-8000-000000000000", price: "price_pro_monthly" }, "company_not_found"],
    [{ companyId: INITECH, price: "price_pro_monthly", customer: "cus_AcmeDemo000001" }, "invalid_request"],
  ])("%j → %s, with no slot, no customer claim and no Stripe call", async (input, code) => {
    const result = await subscribe(users.initechOwner, input);
    expect(result.ok || result.error.code).toBe(code);
    expect(await sql`select 1 from private.portal_session_grants`).toHaveLength(0);
    expect(await claims(INITECH)).toHaveLength(0);
    expect(await calls()).toEqual({});
  });

  test("Subscribe shares the portal's per-minute limit", async () => {
    const company = await newCompany("Limited Co");
    await sql`insert into private.portal_session_grants (user_id, company_id)
              select ${users.initechOwner}, ${company} from generate_series(1, 10)`;
    const result = await subscribe(users.initechOwner, { companyId: company, price: "price_pro_monthly" });
    expect(result).toMatchObject({ ok: false, error: { code: "rate_limited" } });
    expect(!result.ok && result.error.retryAfterSeconds).toBeGreaterThan(0);
    expect(await calls()).toEqual({});
  });
});

describe("never a second subscription", () => {
  test("a company with a live subscription is sent to the portal's Change plan: 1 round trip, 1 Stripe call", async () => {
    await subscribe(users.acmeOwner, { companyId: ACME, price: "price_starter_monthly" }); // warm the pool
    await stack.stripe.control.reset();
    stack.proxy.reset();
    const result = await subscribe(users.acmeOwner, { companyId: ACME, price: "price_starter_monthly" });
    expect(result).toMatchObject({ ok: true, destination: "portal", companyId: ACME });
    expect(stack.proxy.flights()).toBe(1);
    expect(await calls()).toEqual({ "POST /v1/billing_portal/sessions": 1 });
    const [session] = (await control<Array<{ customer: string; flow_type: string | null }>>("GET", "sessions")).slice(
      -1,
    );
    expect(session).toMatchObject({ customer: "cus_AcmeDemo000001", flow_type: "subscription_update" });
  });

  test("even for a price that is not on offer: the company already has its plan", async () => {
    expect(await subscribe(users.acmeOwner, { companyId: ACME, price: "price_gone" })).toMatchObject({
      ok: true,
      destination: "portal",
    });
  });
});

describe("the company's customer, exactly once", () => {
  test("two managers clicking at the same moment make one customer, linked once", async () => {
    const company = await newCompany("Concurrent Co");
    await Promise.all([
      subscribe(users.initechOwner, { companyId: company, price: "price_pro_monthly" }),
      subscribe(users.secondManager, { companyId: company, price: "price_pro_monthly" }),
    ]);
    const made = await customersOf(company);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ name: "Concurrent Co", metadata: { company_id: company } });
    expect(["owner@initech.test", "both@example.test"]).toContain(made[0]!.email);
    expect(await linkedCustomer(company)).toBe(made[0]!.id);
    expect(await claims(company)).toHaveLength(0);
  });

  test("ten concurrent clicks still make one", async () => {
    const company = await newCompany("Stampede Co");
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        subscribe(i % 2 ? users.initechOwner : users.secondManager, { companyId: company, price: "price_pro_monthly" }),
      ),
    );
    expect(await customersOf(company)).toHaveLength(1);
  });

  test("clicks arriving while the first is linking reuse its customer and leave no claim behind", async () => {
    for (let round = 0; round < 5; round++) {
      const company = await newCompany(`Staggered Co ${round}`);
      await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          await new Promise((r) => setTimeout(r, i * 3));
          return subscribe(i % 2 ? users.initechOwner : users.secondManager, {
            companyId: company,
            price: "price_pro_monthly",
          });
        }),
      );
      expect(await customersOf(company)).toHaveLength(1);
      expect(await claims(company)).toHaveLength(0);
    }
  });

  test("a crash after Stripe made the customer but before we wrote it: the next click, by someone else, gets that customer", async () => {
    const company = await newCompany("Crashed Co");
    // Stripe makes the customer, but no answer ever comes back (every retry dropped too).
    await control("POST", "faults", { path: "/v1/customers", method: "POST", mode: "drop", count: 10 });
    expect(await subscribe(users.initechOwner, { companyId: company, price: "price_pro_monthly" })).toMatchObject({
      ok: false,
      error: { code: "stripe_unavailable" },
    });
    await control("DELETE", "faults");
    expect(await linkedCustomer(company)).toBeNull();
    expect(await claims(company)).toEqual([{ name: "Crashed Co", email: "owner@initech.test" }]);

    await subscribe(users.secondManager, { companyId: company, price: "price_pro_monthly" });
    const made = await customersOf(company);
    expect(made).toHaveLength(1);
    expect(made[0]!.email).toBe("owner@initech.test"); // the claim's parameters, whoever clicks
    expect(await linkedCustomer(company)).toBe(made[0]!.id);
  });

  test("customer.created arriving before our write links the company; the next click makes no customer", async () => {
    const company = await newCompany("Webhook First Co");
    await control("POST", "faults", { path: "/v1/customers", method: "POST", mode: "drop", count: 10 });
    await subscribe(users.initechOwner, { companyId: company, price: "price_pro_monthly" });
    await control("DELETE", "faults");
    const [customer] = await customersOf(company);
    expect(await deliver("customer.created", customer!)).toBe("applied");
    expect(await linkedCustomer(company)).toBe(customer!.id);
    expect(await claims(company)).toHaveLength(0);

    await stack.stripe.control.reset();
    await subscribe(users.secondManager, { companyId: company, price: "price_pro_monthly" });
    expect((await calls())["POST /v1/customers"]).toBeUndefined();
    expect(await customersOf(company)).toHaveLength(1);
  });

  test("a customer.created naming a company that has another customer is flagged, not linked", async () => {
    const rogue = await stripeAdmin.customers.create({ name: "Rogue", metadata: { company_id: ACME } });
    expect(await deliver("customer.created", rogue)).toBe("flagged");
    expect(await linkedCustomer(ACME)).toBe("cus_AcmeDemo000001");
  });

  test("the signed-in user can link only through a claim of a company they manage", async () => {
    const { asUser } = await import("@/lib/db");
    const company = await newCompany("Guarded Co");
    const link = (user: string, fn: string) =>
      asUser<{ linked: string | null }>(
        claimsFor(user),
        `select private.${fn}(current_setting('app.company_id')::uuid, 'cus_Forged00000001') as linked`,
        { company_id: company },
      );
    await expect(link(users.initechOwner, "link_company_customer")).rejects.toThrow(/permission denied/);
    expect(await link(users.acmeMember, "link_checkout_customer")).toEqual([{ linked: null }]); // not a member of it
    expect(await link(users.initechOwner, "link_checkout_customer")).toEqual([{ linked: null }]); // no claim
    expect(await linkedCustomer(company)).toBeNull();
  });

  test("database round trips: the first click 2 (access and claim, then the link), later clicks 1", async () => {
    const company = await newCompany("Counted Co");
    await subscribe(users.initechOwner, { companyId: "00000000-0000-4000-8000-000000000000", price: "x" }); // warm
    stack.proxy.reset();
    await stack.stripe.control.reset();
    await subscribe(users.initechOwner, { companyId: company, price: "price_pro_monthly" });
    expect(stack.proxy.flights()).toBe(2);
    expect((await calls())["POST /v1/customers"]).toBe(1);
    stack.proxy.reset();
    await stack.stripe.control.reset();
    await subscribe(users.initechOwner, { companyId: company, price: "price_pro_monthly" });
    expect(stack.proxy.flights()).toBe(1);
    expect((await calls())["POST /v1/customers"]).toBeUndefined();
  });
});

describe("Checkout Sessions", () => {
  type Made = { id: string; customer: string | null; status: string; created: number; params: Record<string, unknown> };
  const sessionsOf = async (company: string) =>
    (await control<Made[]>("GET", "checkout-sessions")).filter((m) => m.params.client_reference_id === company);

  test("a first Subscribe: one customer, one Checkout Session in subscription mode, the redirect to its url", async () => {
    const company = await newCompany("First Co");
    const result = await subscribe(users.initechOwner, { companyId: company, price: "price_pro_monthly" });
    const [made] = await sessionsOf(company);
    expect(result).toEqual({
      ok: true,
      destination: "checkout",
      companyId: company,
      url: `${stack.stripe.url}/c/pay/${made!.id}`,
    });
    expect(made).toMatchObject({ status: "open", customer: await linkedCustomer(company) });
    expect(await customersOf(company)).toHaveLength(1);
  });

  test("the session: the company on it three ways, the way back, promotion codes, no payment_method_types, no tax", async () => {
    const company = await newCompany("Params Co");
    await subscribe(users.initechOwner, { companyId: company, price: "price_pro_monthly" });
    const [made] = await sessionsOf(company);
    const back = `http://localhost:3000/billing?company=${company}`;
    expect(made!.params).toEqual({
      mode: "subscription",
      customer: await linkedCustomer(company),
      client_reference_id: company,
      line_items: [{ price: "price_pro_monthly", quantity: 1 }],
      success_url: `${back}&checkout_session={CHECKOUT_SESSION_ID}`,
      cancel_url: `${back}&checkout=canceled`,
      allow_promotion_codes: true,
      // The click's own time orders two clicks of one second (lib/billing/checkout-session.ts).
      metadata: { company_id: company, clicked_at: expect.stringMatching(/^\d{13}$/) },
      subscription_data: { metadata: { company_id: company } },
    });
  });

  test("a price with trial days (price metadata) asks Checkout for that trial", async () => {
    const trial = await stripeAdmin.prices.create({
      product: "prod_business",
      currency: "usd",
      unit_amount: 19900,
      recurring: { interval: "month" },
      metadata: { trial_days: "21" },
    });
    await (await import("@/lib/billing/catalog-sync")).syncCatalog();
    const company = await newCompany("Trial Co");
    expect(await subscribe(users.initechOwner, { companyId: company, price: trial.id })).toMatchObject({ ok: true });
    const [made] = await sessionsOf(company);
    expect(made!.params).toMatchObject({
      line_items: [{ price: trial.id, quantity: 1 }],
      subscription_data: { metadata: { company_id: company }, trial_period_days: 21 },
    });
  });

  test("with automatic tax and tax ID collection switched on, Stripe takes the session for a customer with no address", async () => {
    const { checkoutSessionParams } = await import("@/lib/billing/checkout-params");
    const customer = await stripeAdmin.customers.create({ name: "Taxed Co" });
    const plan = { companyId: INITECH, customerId: customer.id, priceId: "price_pro_monthly", trialDays: null };
    const on = checkoutSessionParams(plan, "http://localhost:3000/billing", {
      automaticTax: true,
      taxIdCollection: true,
    });
    const session = await stripeAdmin.checkout.sessions.create(on);
    expect(session).toMatchObject({ automatic_tax: { enabled: true }, tax_id_collection: { enabled: true } });
    expect(on).toMatchObject({ customer_update: { address: "auto", name: "auto" } });
  });

  test("a newer click expires the older open session of the customer, even within the same second", async () => {
    const createdSeconds: number[][] = [];
    for (let round = 0; round < 4; round++) {
      const company = await newCompany(`Twice Co ${round}`);
      const first = await subscribe(users.initechOwner, { companyId: company, price: "price_pro_monthly" });
      const second = await subscribe(users.secondManager, { companyId: company, price: "price_starter_monthly" });
      expect([first.ok, second.ok]).toEqual([true, true]);
      const [older, newer] = await sessionsOf(company);
      expect([older!.status, newer!.status]).toEqual(["expired", "open"]);
      createdSeconds.push([older!.created, newer!.created]);
    }
    // Back-to-back clicks: at least one round had both sessions in one `created` second, the
    // case only the click's own time can order.
    expect(createdSeconds.some(([a, b]) => a === b)).toBe(true);
  });

  test("two managers clicking at the same moment leave one open session and one customer", async () => {
    for (let round = 0; round < 3; round++) {
      const company = await newCompany(`Race Co ${round}`);
      const results = await Promise.all([
        subscribe(users.initechOwner, { companyId: company, price: "price_pro_monthly" }),
        subscribe(users.secondManager, { companyId: company, price: "price_pro_monthly" }),
      ]);
      const stillOpen = (await sessionsOf(company)).filter((m) => m.status === "open");
      expect(stillOpen).toHaveLength(1);
      // The other click either got the same open session's page or was told another click is under way.
      expect(results.some((r) => r.ok && r.url.endsWith(stillOpen[0]!.id))).toBe(true);
      for (const r of results) expect(r.ok || r.error.code).not.toBe("internal");
      expect(await customersOf(company)).toHaveLength(1);
    }
  });

  test("a completed Checkout not yet recorded: the next click records its subscription and opens the portal instead", async () => {
    const company = await newCompany("Paid Co");
    const first = await subscribe(users.initechOwner, { companyId: company, price: "price_pro_monthly" });
    if (!first.ok) throw new Error(first.error.code);
    expect((await payOnPage(first.url, "4242424242424242")).status).toBe(303); // no webhook reaches us here
    expect(await sql`select 1 from public.billing_subscriptions where company_id = ${company}`).toHaveLength(0);

    const again = await subscribe(users.secondManager, { companyId: company, price: "price_business_monthly" });
    expect(again).toMatchObject({ ok: true, destination: "portal" });
    const [row] = await sql`select status from public.billing_subscriptions where company_id = ${company}`;
    expect(row).toEqual({ status: "active" });
    // This click's own session was expired again: nothing left to pay.
    expect((await sessionsOf(company)).map((m) => m.status)).toEqual(["complete", "expired"]);
    const subs = await stripeAdmin.subscriptions.list({ customer: (await linkedCustomer(company))! });
    expect(subs.data).toHaveLength(1);
  });

  test("Stripe calls: the first click customers.create, sessions.create and .list; a later one create, list and one expire", async () => {
    const company = await newCompany("Metered Co");
    await stack.stripe.control.reset();
    await subscribe(users.initechOwner, { companyId: company, price: "price_pro_monthly" });
    expect(await calls()).toEqual({
      "POST /v1/customers": 1,
      "POST /v1/checkout/sessions": 1,
      "GET /v1/checkout/sessions": 1,
    });
    await stack.stripe.control.reset();
    await subscribe(users.initechOwner, { companyId: company, price: "price_pro_monthly" });
    expect(await calls()).toEqual({
      "POST /v1/checkout/sessions": 1,
      "GET /v1/checkout/sessions": 1,
      "POST /v1/checkout/sessions/:id/expire": 1,
    });
  });
});

describe("one deadline per click", () => {
  const within = async (ms: number, companyId: string) => {
    const { deadlineIn } = await import("@/lib/deadline");
    const started = performance.now();
    const result = await decideCheckout(
      claimsFor(users.initechOwner),
      { companyId, price: "price_pro_monthly" },
      { deadline: deadlineIn(ms) },
    );
    return { result, ms: performance.now() - started };
  };

  test("Stripe hanging on the session: stripe_unavailable with Retry-After, within the budget", async () => {
    const company = await newCompany("Hung Co");
    await control("POST", "faults", { path: "/v1/checkout/sessions", method: "POST", mode: "latency", ms: 20_000 });
    const { result, ms } = await within(3000, company);
    expect(result).toMatchObject({ ok: false, error: { code: "stripe_unavailable", retryAfterSeconds: 30 } });
    expect(ms).toBeLessThan(3000);
    console.log(`[measured] Subscribe, Stripe hung on sessions.create, 3 s budget: answer in ${Math.round(ms)} ms`);
  });

  test("Stripe failing every attempt: retried under one key while the budget allows, then stripe_unavailable", async () => {
    const company = await newCompany("Failing Co");
    await control("POST", "faults", { path: "/v1/checkout/sessions", method: "POST", status: 500, count: 10 });
    const { result, ms } = await within(10_000, company);
    expect(result).toMatchObject({ ok: false, error: { code: "stripe_unavailable" } });
    expect(ms).toBeLessThan(5000);
    expect((await calls())["POST /v1/checkout/sessions"]).toBe(3); // STRIPE_MAX_NETWORK_RETRIES 2
    expect(await sessionsMadeCount(company)).toBe(0);
  });

  test("a lost answer is retried under the same key: one session, not two", async () => {
    const company = await newCompany("Dropped Co");
    await control("POST", "faults", { path: "/v1/checkout/sessions", method: "POST", mode: "drop", count: 1 });
    const { result } = await within(10_000, company);
    expect(result).toMatchObject({ ok: true, destination: "checkout" });
    expect(await sessionsMadeCount(company)).toBe(1);
  });
});

const sessionsMadeCount = async (company: string) =>
  (await control<Array<{ params: { client_reference_id?: string } }>>("GET", "checkout-sessions")).filter(
    (m) => m.params.client_reference_id === company,
  ).length;

const deliver = (type: string, object: object) => deliverEvent(SECRET, type, object, Math.floor(Date.now() / 1000));
