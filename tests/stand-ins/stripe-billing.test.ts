// Billing in the Stripe stand-in: catalog, subscriptions, invoices and cards
// through the official SDK; the hosted portal's actions as a browser without
// JavaScript would post them; and the signed events the stand-in delivers,
// received by a local endpoint that trusts nothing the official SDK's
// `stripe.webhooks.constructEvent` does not verify.
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { failure } from "./sdk-failure.ts";
import { startTestStripe, type StripeControl, type TestStripe } from "./stripe-stand-in.ts";
import { startWebhookReceiver, type IncomingWebhook, type WebhookReceiver } from "./webhook-receiver.ts";

const SECRET = "whsec_billing_integration";
const VISA = { brand: "visa", last4: "4242", expMonth: 12, expYear: 2031 } as const;
const ACME = {
  id: "cus_BillingAcme001",
  name: "Acme Inc",
  email: "billing@acme.test",
  metadata: { company_id: "acme" },
  subscription: { price: "price_pro_monthly" },
  paymentMethod: VISA,
  invoices: 3,
};
const GLOBEX = { id: "cus_BillingGlobex1", name: "Globex Corp", subscription: { price: "price_starter_monthly" } };

// A copy, kept in the repo, of the objects of shared/reference/stripe-fixtures3.json this file compares with.
const fixtures = JSON.parse(readFileSync(new URL("../fixtures/stripe-reference.json", import.meta.url), "utf8"))
  .resources as Record<string, Record<string, unknown>>;
const keysOf = (o: unknown) => Object.keys(o as object).sort();

// ---- the webhook endpoint -------------------------------------------------

type Received = { event: Stripe.Event; signature: string };
const received: Received[] = [];
const rejected: Array<{ signature: string; reason: string }> = [];
// Statuses to answer instead of 200, one per delivery, front first.
const forcedStatuses: number[] = [];
let receiver: WebhookReceiver;
let receiverUrl = "";
const verifier = new Stripe("sk_test_verifier_only");

function receive({ body, signature }: IncomingWebhook, res: ServerResponse) {
  let event: Stripe.Event;
  try {
    event = verifier.webhooks.constructEvent(body.toString("utf8"), signature, SECRET);
  } catch (error) {
    rejected.push({ signature, reason: (error as Error).message });
    return void res.writeHead(400).end();
  }
  const forced = forcedStatuses.shift();
  if (forced !== undefined) return void res.writeHead(forced).end();
  received.push({ event, signature });
  res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
}

// ---- the stand-in ---------------------------------------------------------

let standIn: TestStripe;
let stripe: Stripe;
let control: StripeControl["call"];
let mark = 0;

type EventSummary = { id: string; type: string; created: number; object: string | null };
const simulate = (customer: string, action: string, extra: Record<string, unknown> = {}) =>
  control<{ events: EventSummary[] }>("POST", "simulate", { customer, action, ...extra });
const flush = () => control("POST", "flush");

// Events delivered since the test started, in arrival order. Each portal session sends
// billing_portal.session.created; the tests here watch what changes billing.
async function delivered(): Promise<Stripe.Event[]> {
  await flush();
  return received
    .slice(mark)
    .map((r) => r.event)
    .filter((e) => e.type !== "billing_portal.session.created");
}

let customerCount = 0;
// A customer of its own per test, so no test depends on another's changes.
async function customer(billing: Record<string, unknown> = {}): Promise<string> {
  customerCount += 1;
  const id = `cus_BillingTest${String(customerCount).padStart(3, "0")}`;
  await control("POST", "customers", {
    id,
    name: `Test Co ${customerCount}`,
    subscription: { price: "price_pro_monthly" },
    paymentMethod: VISA,
    ...billing,
  });
  return id;
}

async function subscriptionOf(customerId: string): Promise<Stripe.Subscription> {
  const [subscription] = (await stripe.subscriptions.list({ customer: customerId, status: "all" })).data;
  if (!subscription) throw new Error(`no subscription for ${customerId}`);
  return subscription;
}

async function portal(customerId: string, params: Partial<Stripe.BillingPortal.SessionCreateParams> = {}) {
  const session = await stripe.billingPortal.sessions.create({
    customer: customerId,
    return_url: "https://app.example.com/billing",
    ...params,
  });
  return {
    session,
    page: async (path = "") =>
      fetch(`${session.url}${path}`).then(async (r) => ({ status: r.status, html: await r.text() })),
  };
}

// A form post as a browser sends it, without following the redirect.
async function post(url: string, fields: Record<string, string>) {
  const res = await fetch(url, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
  return { status: res.status, location: res.headers.get("location"), html: await res.text() };
}

const testId = (html: string, id: string) => new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];
const buttons = (html: string) => [...html.matchAll(/<button type="submit">([^<]*)<\/button>/g)].map((m) => m[1]);
const types = (events: Array<{ type: string }>) => events.map((e) => e.type);
const dataObject = <T>(event: Stripe.Event) => event.data.object as unknown as T;

beforeAll(async () => {
  receiver = await startWebhookReceiver(receive);
  receiverUrl = `${receiver.origin}/webhooks/stripe`;
  standIn = await startTestStripe({
    seed: { customers: [ACME, GLOBEX] },
    webhook: { url: receiverUrl, secret: SECRET },
  });
  control = standIn.control.call;
  stripe = standIn.sdk({ apiVersion: Stripe.API_VERSION });
});

afterAll(async () => {
  await standIn?.close();
  await receiver?.close();
});

beforeEach(async () => {
  await flush();
  await control("POST", "reset");
  await control("POST", "webhook", { url: receiverUrl, secret: SECRET });
  forcedStatuses.length = 0;
  rejected.length = 0;
  mark = received.length;
});

// ---- catalog and read API -------------------------------------------------

describe("catalog", () => {
  it("lists the plans' products (an archived legacy one too), by id and by status, each price whole on its item", async () => {
    const products = await stripe.products.list();
    expect(products.data.map((p) => [p.id, p.name, p.default_price, p.active])).toEqual([
      ["prod_team_legacy", "Team (legacy)", "price_team_legacy_monthly", false],
      ["prod_business", "Business", "price_business_monthly", true],
      ["prod_pro", "Pro", "price_pro_monthly", true],
      ["prod_starter", "Starter", "price_starter_monthly", true],
    ]);
    expect((await stripe.products.list({ active: true })).data).toHaveLength(3);
    // tax_details is in the SDK's Product type though not in the reference fixture.
    expect(keysOf(products.data[0])).toEqual([...keysOf(fixtures.product), "tax_details"].sort());
    const some = await stripe.products.list({
      ids: ["prod_pro", "prod_starter", "prod_nope"],
      expand: ["data.default_price"],
    });
    expect(some.data.map((p) => p.id)).toEqual(["prod_pro", "prod_starter"]);
    expect(some.data[0]?.default_price).toMatchObject({ id: "price_pro_monthly", unit_amount: 4900 });
    const price = (await subscriptionOf(ACME.id)).items.data[0]?.price;
    expect(keysOf(price)).toEqual(keysOf(fixtures.price));
    expect(price).toMatchObject({ id: "price_pro_monthly", product: "prod_pro", nickname: "Pro", currency: "usd" });
  });
});

describe("subscriptions, invoices and payment methods", () => {
  it("lists and retrieves the seeded subscription, with its period on the item", async () => {
    const list = await stripe.subscriptions.list({ customer: ACME.id });
    expect(list).toMatchObject({ object: "list", has_more: false, url: "/v1/subscriptions" });
    expect(list.data).toHaveLength(1);
    const [subscription] = list.data;
    if (!subscription) throw new Error("no subscription");
    expect(keysOf(subscription)).toEqual(keysOf(fixtures.subscription));
    expect(subscription).toMatchObject({
      object: "subscription",
      customer: ACME.id,
      status: "active",
      cancel_at_period_end: false,
      livemode: false,
      currency: "usd",
    });
    expect(subscription.id).toMatch(/^sub_\w{24}$/);
    expect("current_period_end" in subscription).toBe(false);
    const [item] = subscription.items.data;
    expect(keysOf(item)).toEqual(
      [...keysOf((fixtures.subscription as { items: { data: object[] } }).items.data[0]), "current_trial"].sort(),
    );
    expect(item?.price).toMatchObject({ id: "price_pro_monthly", product: "prod_pro", unit_amount: 4900 });
    const now = Date.now() / 1000;
    expect(item?.current_period_start).toBeLessThan(now);
    expect(item?.current_period_end).toBeGreaterThan(now);
  });

  it("filters by status, and refuses an expansion past four levels or of a field it does not expand", async () => {
    expect((await stripe.subscriptions.list({ customer: ACME.id, status: "canceled" })).data).toEqual([]);
    expect((await stripe.subscriptions.list({ customer: ACME.id, status: "all" })).data).toHaveLength(1);
    const tooDeep = await failure(
      stripe.subscriptions.list({ customer: ACME.id, expand: ["data.items.data.price.product"] }),
    );
    expect(tooDeep).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(tooDeep).toMatchObject({
      statusCode: 400,
      code: "property_expansion_max_depth",
      message: "You cannot expand more than 4 levels of a property. Property: data.items.data.price.product",
    });
    // A subscription item's price is always whole (the SDK types it Price, not string | Price).
    for (const path of ["data.nope", "data.items.data.price"]) {
      const error = await failure(stripe.subscriptions.list({ customer: ACME.id, expand: [path] }));
      expect(error).toMatchObject({ statusCode: 400, message: `This property cannot be expanded (${path}).` });
    }
  });

  it("hides canceled subscriptions unless asked for them", async () => {
    const id = await customer();
    await simulate(id, "cancel_now");
    expect((await stripe.subscriptions.list({ customer: id })).data).toEqual([]);
    expect((await stripe.subscriptions.list({ customer: id, status: "canceled" })).data.map((s) => s.status)).toEqual([
      "canceled",
    ]);
    expect((await stripe.subscriptions.list({ customer: id, status: "ended" })).data).toHaveLength(1);
  });

  it("lists the past paid invoices, newest first, each with its hosted page", async () => {
    const invoices = await stripe.invoices.list({ customer: ACME.id });
    expect(invoices.data).toHaveLength(3);
    const [newest] = invoices.data;
    if (!newest) throw new Error("no invoice");
    // `subscription` left the Invoice type in this API version; the SDK's type is followed.
    expect(keysOf(newest)).toEqual(keysOf(fixtures.invoice).filter((k) => k !== "subscription"));
    const numbers = invoices.data.map((i) => i.number ?? "");
    expect(numbers.map((n) => n.slice(-4))).toEqual(["0003", "0002", "0001"]);
    expect(new Set(numbers.map((n) => n.split("-")[0])).size).toBe(1);
    for (const invoice of invoices.data) {
      expect(invoice).toMatchObject({
        status: "paid",
        amount_paid: 4900,
        amount_due: 4900,
        amount_remaining: 0,
        customer: ACME.id,
        currency: "usd",
      });
      expect(invoice.hosted_invoice_url).toBe(`${standIn.url}/i/${invoice.id}`);
    }
    const created = invoices.data.map((i) => i.created);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    // One per month: consecutive invoices are 28 to 31 days apart.
    for (let i = 1; i < created.length; i += 1)
      expect(((created[i - 1] ?? 0) - (created[i] ?? 0)) / 86400).toBeGreaterThanOrEqual(28);
    expect(newest.parent?.subscription_details?.subscription).toBe((await subscriptionOf(ACME.id)).id);

    const page = await fetch(newest.hosted_invoice_url ?? "");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(testId(html, "invoice-number")).toBe(newest.number);
    expect(testId(html, "invoice-status")).toMatch(/^paid on /);
    expect(testId(html, "invoice-amount-paid")).toBe("$49.00");

    const firstPage = await stripe.invoices.list({ customer: ACME.id, limit: 2 });
    expect(firstPage.has_more).toBe(true);
  });

  it("expands the default card on the customer", async () => {
    const plain = (await stripe.customers.retrieve(ACME.id)) as Stripe.Customer;
    expect(plain.invoice_settings.default_payment_method).toMatch(/^pm_\w{24}$/);
    const expanded = (await stripe.customers.retrieve(ACME.id, {
      expand: ["invoice_settings.default_payment_method"],
    })) as Stripe.Customer;
    const pm = expanded.invoice_settings.default_payment_method as Stripe.PaymentMethod;
    expect(keysOf(pm)).toEqual(keysOf(fixtures.payment_method));
    expect(pm).toMatchObject({
      id: plain.invoice_settings.default_payment_method,
      object: "payment_method",
      type: "card",
      customer: ACME.id,
      card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2031 },
    });
  });
});

describe("seeding through the control endpoint", () => {
  it("starts a re-seeded customer's billing afresh, and validates the billing fields", async () => {
    const id = await customer({ invoices: 2 });
    await control(
      "POST",
      "customers",
      { id, name: "Again", subscription: { price: "price_business_monthly", status: "trialing" } },
      201,
    );
    expect(
      (await stripe.subscriptions.list({ customer: id, status: "all" })).data.map((s) => [
        s.status,
        s.items.data[0]?.price.id,
      ]),
    ).toEqual([["trialing", "price_business_monthly"]]);
    expect((await stripe.invoices.list({ customer: id })).data).toEqual([]);
    expect(
      ((await stripe.customers.retrieve(id)) as Stripe.Customer).invoice_settings.default_payment_method,
    ).toBeNull();
    const bad = await control<{ error: string }>(
      "POST",
      "customers",
      { id, name: "Bad", subscription: { price: "price_nope" } },
      400,
    );
    expect(bad.error).toBe("subscription.price: must be a catalog price id");
    // Seeding is arranging state, not something that happened at Stripe: no events.
    expect(await delivered()).toEqual([]);
  });
});

describe("portal sessions for subscription flows", () => {
  it("refuses a subscription of another customer, or none, like Stripe", async () => {
    const foreign = (await subscriptionOf(GLOBEX.id)).id;
    for (const [type, body] of [
      ["subscription_cancel", { subscription: foreign }],
      ["subscription_update", { subscription: foreign }],
    ] as const) {
      const error = await failure(
        stripe.billingPortal.sessions.create({
          customer: ACME.id,
          flow_data: { type, [type]: body } as Stripe.BillingPortal.SessionCreateParams.FlowData,
        }),
      );
      expect(error).toMatchObject({
        statusCode: 400,
        code: "resource_missing",
        param: `flow_data[${type}][subscription]`,
        message: `No such subscription: '${foreign}'`,
      });
    }
    const missing = await failure(
      stripe.billingPortal.sessions.create({
        customer: ACME.id,
        flow_data: { type: "subscription_cancel", subscription_cancel: { subscription: "sub_x" } },
      }),
    );
    expect(missing).toMatchObject({ code: "resource_missing", message: "No such subscription: 'sub_x'" });
    expect((await control<{ sessionsCreated: number }>("GET", "counters")).sessionsCreated).toBe(0);
  });

  it("refuses to cancel a subscription that is already canceled", async () => {
    const id = await customer();
    const subscription = (await subscriptionOf(id)).id;
    await simulate(id, "cancel_now");
    const error = await failure(
      stripe.billingPortal.sessions.create({
        customer: id,
        flow_data: { type: "subscription_cancel", subscription_cancel: { subscription } },
      }),
    );
    expect(error).toMatchObject({
      statusCode: 400,
      type: "StripeInvalidRequestError",
      param: "flow_data[subscription_cancel][subscription]",
    });
  });
});

// ---- the hosted portal ----------------------------------------------------

describe("hosted portal page", () => {
  it("shows the plan, its status and renewal, the card and the invoices, with named buttons", async () => {
    const { session, page } = await portal(ACME.id);
    const { status, html } = await page();
    expect(status).toBe(200);
    expect(testId(html, "portal-customer-id")).toBe(ACME.id);
    expect(testId(html, "portal-flow")).toBe("portal_homepage");
    expect(testId(html, "portal-session-id")).toBe(session.id);
    expect(html).toContain("<h1>Acme Inc</h1>");
    expect(testId(html, "portal-plan")).toBe("Pro");
    expect(testId(html, "portal-subscription-status")).toBe("active");
    const end = (await subscriptionOf(ACME.id)).items.data[0]?.current_period_end ?? 0;
    const date = new Date(end * 1000).toLocaleDateString("en-US", {
      timeZone: "UTC",
      year: "numeric",
      month: "long",
      day: "numeric",
    });
    expect(testId(html, "portal-renewal")).toBe(`Renews on ${date}`);
    expect(testId(html, "portal-card")).toBe("Visa •••• 4242");
    expect(buttons(html)).toEqual(["Update plan", "Cancel subscription", "Update payment method"]);
    expect(html.match(/data-testid="portal-invoice"/g)).toHaveLength(3);
    // Buttons are plain forms: they work without JavaScript.
    expect(html).not.toContain("<script");
    expect(buttons((await page("/cancel")).html)).toEqual(["Confirm cancellation"]);
    expect(buttons((await page("/plan")).html)).toEqual(["Switch to Starter", "Switch to Business"]);
    expect(buttons((await page("/payment-method")).html)).toEqual([
      "Use Visa ending 4242",
      "Use Mastercard ending 4444",
      "Use Amex ending 0005",
    ]);
    // Page views are not API calls: only the session and the subscription lookup count.
    expect(await control("GET", "counters")).toMatchObject({ total: 2, calls: { "GET /p/session": 4 } });
  });

  it("cancels at period end: customer.subscription.updated, then the page says when it ends", async () => {
    const id = await customer();
    const { session, page } = await portal(id);
    const done = await post(`${session.url}/cancel`, {});
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${new URL(session.url).pathname}/done?action=cancel`);
    const events = await delivered();
    expect(types(events)).toEqual(["customer.subscription.updated"]);
    const [updated] = events;
    if (!updated) throw new Error("no event");
    const after = dataObject<Stripe.Subscription>(updated);
    const end = after.items.data[0]?.current_period_end;
    expect(after).toMatchObject({ customer: id, cancel_at_period_end: true, cancel_at: end, status: "active" });
    expect(updated.data.previous_attributes).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
    });
    expect(updated.request?.id).toMatch(/^req_/);
    expect((await subscriptionOf(id)).cancel_at_period_end).toBe(true);
    const home = (await page()).html;
    expect(testId(home, "portal-renewal")).toMatch(/^Cancels on /);
    expect(buttons(home)).not.toContain("Cancel subscription");
    const confirmation = await fetch(new URL(done.location ?? "", session.url)).then((r) => r.text());
    expect(testId(confirmation, "portal-confirmation")).toMatch(/canceled/);
    expect(confirmation).toContain('data-testid="portal-return" href="https://app.example.com/billing"');
  });

  it("changes plan: subscription updated, then the proration invoice finalized and paid", async () => {
    const id = await customer();
    const before = await subscriptionOf(id);
    const { session } = await portal(id);
    expect(
      (await post(`${session.url}/plan`, { subscription: before.id, price: "price_business_monthly" })).status,
    ).toBe(303);
    const events = await delivered();
    expect(types(events)).toEqual(["customer.subscription.updated", "invoice.finalized", "invoice.paid"]);
    const [updated, finalized, paid] = events;
    expect(dataObject<Stripe.Subscription>(updated!).items.data[0]?.price.id).toBe("price_business_monthly");
    const previousItems = (updated!.data.previous_attributes as { items?: { data: Stripe.SubscriptionItem[] } }).items;
    expect(previousItems?.data[0]?.price.id).toBe("price_pro_monthly");
    const invoice = dataObject<Stripe.Invoice>(finalized!);
    expect(invoice).toMatchObject({ status: "open", billing_reason: "subscription_update", customer: id });
    expect(invoice.amount_due).toBeGreaterThan(0);
    expect(invoice.amount_due).toBeLessThanOrEqual(19900 - 4900);
    expect(dataObject<Stripe.Invoice>(paid!)).toMatchObject({
      id: invoice.id,
      status: "paid",
      amount_paid: invoice.amount_due,
    });
    const after = await subscriptionOf(id);
    expect(after.items.data[0]?.price.id).toBe("price_business_monthly");
    expect(after.latest_invoice).toBe(invoice.id);
  });

  it("updates the card of a past_due customer and pays the open invoice", async () => {
    const id = await customer({ subscription: { price: "price_starter_monthly", status: "past_due" }, invoices: 2 });
    const open = (await stripe.invoices.list({ customer: id, status: "open" })).data;
    expect(open).toHaveLength(1);
    const { session, page } = await portal(id);
    expect(testId((await page()).html, "portal-subscription-status")).toBe("past_due");
    expect((await post(`${session.url}/payment-method`, { card: "mastercard" })).status).toBe(303);
    const events = await delivered();
    expect(types(events)).toEqual([
      "payment_method.attached",
      "customer.updated",
      "invoice.paid",
      "customer.subscription.updated",
    ]);
    const [attached, customerUpdated, paid, subscriptionUpdated] = events;
    const pm = dataObject<Stripe.PaymentMethod>(attached!);
    expect(pm).toMatchObject({ customer: id, card: { brand: "mastercard", last4: "4444" } });
    expect(dataObject<Stripe.Customer>(customerUpdated!).invoice_settings.default_payment_method).toBe(pm.id);
    expect(customerUpdated!.data.previous_attributes).toEqual({
      invoice_settings: { default_payment_method: expect.stringMatching(/^pm_/) },
    });
    expect(dataObject<Stripe.Invoice>(paid!)).toMatchObject({ id: open[0]?.id, status: "paid" });
    expect(dataObject<Stripe.Subscription>(subscriptionUpdated!).status).toBe("active");
    expect(subscriptionUpdated!.data.previous_attributes).toMatchObject({ status: "past_due" });
    const home = (await page()).html;
    expect(testId(home, "portal-card")).toBe("Mastercard •••• 4444");
    expect(testId(home, "portal-subscription-status")).toBe("active");
  });

  it("updates the card of a customer in good standing with two events only", async () => {
    const id = await customer();
    const { session } = await portal(id);
    await post(`${session.url}/payment-method`, { card: "amex" });
    expect(types(await delivered())).toEqual(["payment_method.attached", "customer.updated"]);
    const expanded = (await stripe.customers.retrieve(id, {
      expand: ["invoice_settings.default_payment_method"],
    })) as Stripe.Customer;
    expect(expanded.invoice_settings.default_payment_method).toMatchObject({ card: { brand: "amex", last4: "0005" } });
  });

  it("opens a flow straight on its form and redirects to after_completion's return_url", async () => {
    const id = await customer();
    const subscription = (await subscriptionOf(id)).id;
    const { session, page } = await portal(id, {
      flow_data: {
        type: "subscription_cancel",
        subscription_cancel: { subscription },
        after_completion: { type: "redirect", redirect: { return_url: "https://app.example.com/billing?canceled=1" } },
      },
    });
    const { html } = await page();
    expect(testId(html, "portal-flow")).toBe("subscription_cancel");
    expect(buttons(html)).toEqual(["Confirm cancellation"]);
    const done = await post(`${session.url}/cancel`, { subscription });
    expect(done).toMatchObject({ status: 303, location: "https://app.example.com/billing?canceled=1" });
    expect(types(await delivered())).toEqual(["customer.subscription.updated"]);
    // The session itself was an event too, naming the API request that made it.
    const created = received.slice(mark).find((r) => r.event.type === "billing_portal.session.created")?.event;
    expect(created?.data.object).toMatchObject({ id: session.id, object: "billing_portal.session", customer: id });
    expect(created?.request?.id).toBe(session.lastResponse.requestId);
  });

  it("confirms a flow with the hosted confirmation and its custom message", async () => {
    const id = await customer();
    const { session, page } = await portal(id, {
      flow_data: {
        type: "payment_method_update",
        after_completion: {
          type: "hosted_confirmation",
          hosted_confirmation: { custom_message: "Thanks, card saved." },
        },
      },
    });
    expect(buttons((await page()).html)).toEqual([
      "Use Visa ending 4242",
      "Use Mastercard ending 4444",
      "Use Amex ending 0005",
    ]);
    const done = await post(`${session.url}/payment-method`, { card: "visa" });
    expect(done.status).toBe(303);
    const confirmation = await fetch(new URL(done.location ?? "", session.url)).then((r) => r.text());
    expect(testId(confirmation, "portal-confirmation")).toBe("Your payment method has been updated.");
    expect(testId(confirmation, "portal-custom-message")).toBe("Thanks, card saved.");
    expect(confirmation).toContain('data-testid="portal-return"');
  });

  it("offers the plan picker for subscription_update; a downgrade charges nothing now", async () => {
    const id = await customer();
    const subscription = await subscriptionOf(id);
    const update = await portal(id, {
      flow_data: { type: "subscription_update", subscription_update: { subscription: subscription.id } },
    });
    expect(buttons((await update.page()).html)).toEqual(["Switch to Starter", "Switch to Business"]);
    await post(`${update.session.url}/plan`, { subscription: subscription.id, price: "price_starter_monthly" });
    const events = await delivered();
    expect(types(events)).toEqual(["customer.subscription.updated", "invoice.finalized", "invoice.paid"]);
    expect(dataObject<Stripe.Invoice>(events[2]!).amount_paid).toBe(0);
  });

  it("refuses to act on another customer's subscription", async () => {
    const id = await customer();
    const { session } = await portal(id);
    const foreign = (await subscriptionOf(GLOBEX.id)).id;
    const refused = await post(`${session.url}/cancel`, { subscription: foreign });
    expect(refused.status).toBe(409);
    expect(testId(refused.html, "portal-error")).toBe("There is no subscription to change.");
    expect((await subscriptionOf(GLOBEX.id)).cancel_at_period_end).toBe(false);
    expect(await delivered()).toEqual([]);
  });

  it("refuses actions with the expired page once the session's TTL is over", async () => {
    const id = await customer();
    await control("POST", "config", { sessionTtlSeconds: 1 });
    try {
      const { session } = await portal(id);
      await new Promise((r) => setTimeout(r, 1100));
      const refused = await post(`${session.url}/cancel`, {});
      expect(refused.status).toBe(410);
      expect(refused.html).toContain("This portal session has expired");
      expect((await subscriptionOf(id)).cancel_at_period_end).toBe(false);
      expect(await delivered()).toEqual([]);
    } finally {
      await control("POST", "config", { sessionTtlSeconds: 300 });
    }
  });
});

// ---- simulated lifecycle --------------------------------------------------

describe("simulated billing events", () => {
  // The control answer lists exactly what the endpoint then receives, in order.
  async function expectDelivered(answer: { events: EventSummary[] }, expected: string[]): Promise<Stripe.Event[]> {
    expect(types(answer.events)).toEqual(expected);
    const events = await delivered();
    expect(events.map((e) => e.id)).toEqual(answer.events.map((e) => e.id));
    return events;
  }

  it("payment_failed: an open invoice whose charge failed, and the subscription past_due", async () => {
    const id = await customer();
    const events = await expectDelivered(await simulate(id, "payment_failed"), [
      "invoice.finalized",
      "invoice.payment_failed",
      "customer.subscription.updated",
    ]);
    const invoice = dataObject<Stripe.Invoice>(events[1]!);
    expect(invoice).toMatchObject({
      status: "open",
      attempt_count: 1,
      amount_remaining: 4900,
      billing_reason: "subscription_cycle",
    });
    expect(invoice.next_payment_attempt).toBeGreaterThan(Date.now() / 1000);
    expect(events[2]!.data.previous_attributes).toMatchObject({ status: "active" });
    expect((await subscriptionOf(id)).status).toBe("past_due");
  });

  it("renew: a paid invoice for a new period", async () => {
    const id = await customer();
    const before = await subscriptionOf(id);
    const events = await expectDelivered(await simulate(id, "renew"), [
      "invoice.finalized",
      "invoice.paid",
      "customer.subscription.updated",
    ]);
    expect(dataObject<Stripe.Invoice>(events[1]!)).toMatchObject({ status: "paid", amount_paid: 4900 });
    const after = await subscriptionOf(id);
    expect(after.items.data[0]?.current_period_start).toBeGreaterThan(
      before.items.data[0]?.current_period_start ?? Infinity,
    );
    expect(after.latest_invoice).toBe(dataObject<Stripe.Invoice>(events[1]!).id);
    expect(await stripe.invoices.list({ customer: id })).toMatchObject({ data: [{ status: "paid" }] });
  });

  it("cancel_now: customer.subscription.deleted", async () => {
    const id = await customer();
    const events = await expectDelivered(await simulate(id, "cancel_now"), ["customer.subscription.deleted"]);
    expect(dataObject<Stripe.Subscription>(events[0]!)).toMatchObject({
      status: "canceled",
      ended_at: expect.any(Number),
    });
  });

  it("refuses unknown customers and actions", async () => {
    expect(
      await control<{ error: string }>("POST", "simulate", { customer: "cus_nope", action: "renew" }, 400),
    ).toEqual({ error: "No such customer: 'cus_nope'" });
    expect(
      (await control<{ error: string }>("POST", "simulate", { customer: ACME.id, action: "explode" }, 400)).error,
    ).toMatch(/^action: Invalid option: expected one of "payment_failed"\|"renew"/);
  });

  it("creating a customer through the API sends customer.created, naming the request", async () => {
    const made = await stripe.customers.create({ name: "Initech", metadata: { company_id: "initech" } });
    const [event, ...rest] = await delivered();
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: "customer.created",
      data: { object: { id: made.id, name: "Initech", metadata: { company_id: "initech" } } },
      request: { id: made.lastResponse.requestId, idempotency_key: expect.any(String) },
    });
  });
});

// ---- webhook delivery -----------------------------------------------------

type Delivery = {
  event: string;
  type: string;
  attempts: Array<{ status: number | "error"; at: number; signature: string }>;
  delivered: boolean;
};
const deliveryOf = async (eventId: string) =>
  (await control<Delivery[]>("GET", "deliveries")).find((d) => d.event === eventId);

describe("webhook delivery", () => {
  it("sends Stripe-shaped events, signed as Stripe signs them", async () => {
    const id = await customer();
    const answer = await simulate(id, "renew");
    const events = await delivered();
    const last = received.at(-1);
    expect(last?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    // The same payload with another secret does not verify.
    expect(() =>
      verifier.webhooks.constructEvent(JSON.stringify(last?.event), last?.signature ?? "", "whsec_other"),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
    for (const event of events) {
      expect(keysOf(event)).toEqual(keysOf(fixtures.event));
      expect(event).toMatchObject({
        object: "event",
        api_version: Stripe.API_VERSION,
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
      });
      expect(event.id).toMatch(/^evt_\w{24}$/);
    }
    // Each event has the second of its change, nothing spaced apart: one renewal's events share it
    // (or straddle one tick), as at Stripe, so a receiver cannot order them by created alone.
    const created = events.map((e) => e.created);
    expect(created).toEqual([...created].sort((a, b) => a - b));
    expect((created.at(-1) ?? 0) - (created[0] ?? 0)).toBeLessThanOrEqual(1);
    const listed = await control<EventSummary[]>("GET", "events");
    expect(listed.slice(-3)).toEqual(answer.events);
    expect(answer.events.at(-1)?.object).toBe((await subscriptionOf(id)).id);
  });

  it("retries a delivery the endpoint answered with 500", async () => {
    const id = await customer();
    forcedStatuses.push(500);
    const [event] = (await simulate(id, "cancel_now")).events;
    expect(types(await delivered())).toEqual(["customer.subscription.deleted"]);
    const delivery = await deliveryOf(event!.id);
    expect(delivery?.delivered).toBe(true);
    expect(delivery?.attempts.map((a) => a.status)).toEqual([500, 200]);
    expect((delivery?.attempts[1]?.at ?? 0) - (delivery?.attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(180);
  });

  it("gives up after 4 attempts", async () => {
    const id = await customer();
    forcedStatuses.push(500, 502, 503, 504);
    const [event] = (await simulate(id, "cancel_now")).events;
    expect(await delivered()).toEqual([]);
    expect(await deliveryOf(event!.id)).toMatchObject({
      delivered: false,
      attempts: [{ status: 500 }, { status: 502 }, { status: 503 }, { status: 504 }],
    });
  });

  it("retries connection errors", async () => {
    const id = await customer();
    await control("POST", "webhook", { url: "http://127.0.0.1:1/nothing-listens-here", secret: SECRET });
    const [event] = (await simulate(id, "cancel_now")).events;
    await flush();
    expect(await deliveryOf(event!.id)).toMatchObject({
      delivered: false,
      attempts: [{ status: "error" }, { status: "error" }, { status: "error" }, { status: "error" }],
    });
  });

  it("duplicate: each of the next events arrives twice, the copy after the original", async () => {
    const id = await customer();
    await control("POST", "webhook-faults", { mode: "duplicate", count: 2 }, 201);
    const answer = await simulate(id, "renew");
    const ids = answer.events.map((e) => e.id);
    expect((await delivered()).map((e) => e.id)).toEqual([ids[0], ids[0], ids[1], ids[1], ids[2]]);
  });

  it("reverse: the next events arrive newest first", async () => {
    const id = await customer();
    await control("POST", "webhook-faults", { mode: "reverse", count: 3 }, 201);
    const answer = await simulate(id, "payment_failed");
    const events = await delivered();
    expect(types(events)).toEqual(["customer.subscription.updated", "invoice.payment_failed", "invoice.finalized"]);
    expect(events.map((e) => e.id)).toEqual(answer.events.map((e) => e.id).reverse());
  });

  it("fail_first: a first attempt with a bad signature, which the endpoint refuses, then a valid retry", async () => {
    const id = await customer();
    await control("POST", "webhook-faults", { mode: "fail_first", count: 1 }, 201);
    const answer = await simulate(id, "renew");
    const events = await delivered();
    expect(events.map((e) => e.id)).toEqual(answer.events.map((e) => e.id));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toMatch(/No signatures found matching the expected signature/);
    const first = await deliveryOf(answer.events[0]!.id);
    expect(first?.attempts.map((a) => [a.status, a.signature])).toEqual([
      [400, "invalid"],
      [200, "valid"],
    ]);
    expect((await deliveryOf(answer.events[1]!.id))?.attempts).toHaveLength(1);
  });

  it("flush waits for retries still in progress", async () => {
    const id = await customer();
    forcedStatuses.push(500, 500);
    await simulate(id, "cancel_now");
    const started = Date.now();
    await flush();
    // Two failed attempts wait 200 ms and 500 ms before the third.
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(types(received.slice(mark).map((r) => r.event))).toEqual(["customer.subscription.deleted"]);
  });

  it("delivers to an endpoint set at runtime, signed with its secret", async () => {
    const id = await customer();
    const other: string[] = [];
    const server = await startWebhookReceiver(({ body, signature }, res) => {
      other.push(verifier.webhooks.constructEvent(body.toString("utf8"), signature, "whsec_second").type);
      res.writeHead(204).end();
    });
    try {
      const url = `${server.origin}/hook`;
      expect(await control("POST", "webhook", { url, secret: "whsec_second" })).toEqual({
        url,
        secret: "whsec_second",
      });
      await simulate(id, "cancel_now");
      await flush();
      expect(other).toEqual(["customer.subscription.deleted"]);
      expect(received.length).toBe(mark);
    } finally {
      await server.close();
    }
  });

  it("delivers only the events an endpoint listens to, and the others carry no pending webhook", async () => {
    const id = await customer();
    await control("POST", "webhook", { url: receiverUrl, secret: SECRET, enabledEvents: ["invoice.paid"] });
    const answer = await simulate(id, "renew");
    expect(types(await delivered())).toEqual(["invoice.paid"]);
    expect(types(answer.events)).toEqual(["invoice.finalized", "invoice.paid", "customer.subscription.updated"]);
  });

  it("counts no delivery as an API call", async () => {
    const id = await customer();
    await simulate(id, "renew");
    await flush();
    expect((await control<{ total: number }>("GET", "counters")).total).toBe(0);
  });
});
