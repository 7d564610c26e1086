// Checkout in the Stripe stand-in: sessions through the official SDK, made with exactly the
// parameters the app sends (lib/billing/checkout-session.ts) and refused where Stripe refuses;
// the hosted page driven as a browser without JavaScript drives it (GET, then a form POST); what
// paying makes, and the events it sends, in Stripe's order, held back and released on request.
import { readFileSync } from "node:fs";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LOCAL_WEBHOOK_EVENTS } from "../../dev/local-stack.ts";
import { failure } from "./sdk-failure.ts";
import { startTestStripe, type StripeControl, type TestStripe } from "./stripe-stand-in.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.ts";
import { payOnPage } from "./checkout-page.ts";

const SECRET = "whsec_checkout_stand_in";
const APP = "http://localhost:3000/billing?company=c1";
const CUSTOMER = { id: "cus_CheckoutTest01", name: "Initech", email: "owner@initech.test" };
const fixtures = JSON.parse(readFileSync(new URL("../fixtures/stripe-reference.json", import.meta.url), "utf8"))
  .resources as Record<string, Record<string, unknown>>;

let standIn: TestStripe;
let stripe: Stripe;
let control: StripeControl["call"];
let receiver: WebhookReceiver;
const delivered: string[] = [];

const events = async () => (await standIn.control.events()).map((e) => e.type);

/** What the app sends for a company without a plan (lib/billing/checkout-session.ts). */
const appParams = (extra: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams => ({
  mode: "subscription",
  customer: CUSTOMER.id,
  client_reference_id: "c1",
  line_items: [{ price: "price_pro_monthly", quantity: 1 }],
  success_url: `${APP}&checkout_session={CHECKOUT_SESSION_ID}`,
  cancel_url: `${APP}&checkout=canceled`,
  allow_promotion_codes: true,
  metadata: { company_id: "c1" },
  subscription_data: { metadata: { company_id: "c1" } },
  ...extra,
});

beforeAll(async () => {
  receiver = await startWebhookReceiver(({ body, signature }, res) => {
    delivered.push(
      new Stripe("sk_test_verifier").webhooks.constructEvent(body.toString("utf8"), signature, SECRET).type,
    );
    res.writeHead(200).end("{}");
  });
  standIn = await startTestStripe({
    seed: { customers: [CUSTOMER] },
    webhook: { url: `${receiver.origin}/hook`, secret: SECRET, enabledEvents: LOCAL_WEBHOOK_EVENTS },
  });
  control = standIn.control.call;
  stripe = standIn.sdk({ maxNetworkRetries: 0 });
});
afterAll(async () => {
  await standIn?.close();
  await receiver?.close();
});
beforeEach(async () => {
  await control("POST", "reset");
  delivered.length = 0;
});

describe("checkout.sessions.create", () => {
  it("makes an open hosted session shaped like Stripe's, with a url on the stand-in's page", async () => {
    const before = Math.floor(Date.now() / 1000);
    const session = await stripe.checkout.sessions.create(appParams());
    expect(session).toMatchObject({
      object: "checkout.session",
      mode: "subscription",
      status: "open",
      payment_status: "unpaid",
      customer: CUSTOMER.id,
      client_reference_id: "c1",
      metadata: { company_id: "c1" },
      allow_promotion_codes: true,
      amount_total: 4900,
      currency: "usd",
      subscription: null,
      ui_mode: "hosted_page",
      success_url: `${APP}&checkout_session={CHECKOUT_SESSION_ID}`,
      url: `${standIn.url}/c/pay/${session.id}`,
    });
    expect(session.id).toMatch(/^cs_test_a1[A-Za-z0-9]{56}$/);
    expect(session.expires_at - session.created).toBe(24 * 60 * 60);
    expect(session.created).toBeGreaterThanOrEqual(before);
    const known = Object.keys(fixtures["checkout.session"]!);
    expect(
      Object.keys(session)
        .filter((k) => !known.includes(k))
        .sort(),
    ).toEqual(["allowed_payment_method_types"]);
    expect(known.filter((k) => !(k in session))).toEqual([]);
    expect(await events()).toEqual([]); // Stripe has no event for a new session
  });

  const oneTime = () =>
    stripe.prices.create({ product: "prod_pro", currency: "usd", unit_amount: 500 }).then((p) => p.id);
  const line = (price: string) => ({ line_items: [{ price, quantity: 1 }] });

  it.each<[string, () => Promise<Record<string, unknown>>, Partial<Stripe.errors.StripeError>]>([
    [
      "payment_method_types, which the pinned version no longer takes (the app never sends it)",
      async () => ({ payment_method_types: ["card"] }),
      { code: "parameter_unknown", param: "payment_method_types" },
    ],
    [
      "a price that is not recurring",
      async () => line(await oneTime()),
      { message: "You must provide at least one recurring price in `subscription` mode when using prices." },
    ],
    [
      "an inactive price",
      async () => line("price_team_legacy_monthly"),
      {
        message: "The price specified is inactive. This field only accepts active prices.",
        param: "line_items[0][price]",
      },
    ],
    [
      "an unknown price",
      async () => line("price_nope"),
      { code: "resource_missing", message: "No such price: 'price_nope'", param: "line_items[0][price]" },
    ],
    ["no success_url", async () => ({ success_url: undefined }), { code: "parameter_missing", param: "success_url" }],
    ["no mode", async () => ({ mode: undefined }), { code: "parameter_missing", param: "mode" }],
    [
      "a line without a quantity",
      async () => ({ line_items: [{ price: "price_pro_monthly" }] }),
      { param: "line_items[0][quantity]" },
    ],
    ["an unknown customer", async () => ({ customer: "cus_Nobody" }), { code: "resource_missing", param: "customer" }],
    [
      "customer_update without a customer",
      async () => ({ customer: undefined, customer_update: { name: "auto" } }),
      { param: "customer_update" },
    ],
    [
      "tax ID collection for a customer whose name Checkout may not update",
      async () => ({ tax_id_collection: { enabled: true } }),
      { param: "tax_id_collection[enabled]" },
    ],
    [
      "automatic tax for a customer without an address Checkout may save",
      async () => ({ automatic_tax: { enabled: true } }),
      { param: "automatic_tax[enabled]" },
    ],
    [
      "a trial over 730 days",
      async () => ({ subscription_data: { trial_period_days: 731 } }),
      { param: "subscription_data[trial_period_days]" },
    ],
    [
      "an expiry sooner than 30 minutes",
      async () => ({ expires_at: Math.floor(Date.now() / 1000) + 60 }),
      { param: "expires_at" },
    ],
    ["a success_url that is no URL", async () => ({ success_url: "billing" }), { code: "url_invalid" }],
    ["an unknown parameter", async () => ({ colour: "red" }), { code: "parameter_unknown", param: "colour" }],
  ])("refuses %s, and makes nothing", async (_name, extra, expected) => {
    const err = await failure(
      stripe.checkout.sessions.create({ ...appParams(), ...(await extra()) } as Stripe.Checkout.SessionCreateParams),
    );
    expect(err).toMatchObject({ type: "StripeInvalidRequestError", statusCode: 400, ...expected });
    expect((await stripe.checkout.sessions.list()).data).toEqual([]);
  });

  it("takes tax and tax ID collection with customer_update, as the app sends them behind its switches", async () => {
    const session = await stripe.checkout.sessions.create(
      appParams({
        automatic_tax: { enabled: true },
        tax_id_collection: { enabled: true },
        customer_update: { address: "auto", name: "auto" },
      }),
    );
    expect(session.automatic_tax).toMatchObject({ enabled: true });
    expect(session.tax_id_collection).toEqual({ enabled: true, required: "never" });
  });

  it("customers.create with an idempotency key: one customer, one customer.created, replayed after", async () => {
    const key = `customer:create:test:${Date.now()}`;
    const params = { name: "Initech", email: "owner@initech.test", metadata: { company_id: "c1" } };
    const [a, b] = await Promise.all([
      stripe.customers.create(params, { idempotencyKey: key }),
      stripe.customers
        .create(params, { idempotencyKey: key })
        .catch(() => stripe.customers.create(params, { idempotencyKey: key })),
    ]);
    expect(b.id).toBe(a.id);
    expect(await events()).toEqual(["customer.created"]);
  });

  it("replays a repeated idempotency key instead of making a second session", async () => {
    const key = `checkout-session:test:${Date.now()}`;
    const first = await stripe.checkout.sessions.create(appParams(), { idempotencyKey: key });
    const again = await stripe.checkout.sessions.create(appParams(), { idempotencyKey: key });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect((await stripe.checkout.sessions.list()).data).toHaveLength(1);
  });
});

describe("the hosted page and what paying makes", () => {
  it("4242: the subscription, its paid invoice and card; back to success_url; the events in Stripe's order", async () => {
    const session = await stripe.checkout.sessions.create(appParams());
    const page = await (await fetch(session.url!)).text();
    expect(page).toContain('data-testid="checkout-product">Pro<');
    expect(page).toContain("$49.00 per month");
    expect(page).toContain(`data-testid="checkout-email">${CUSTOMER.email}<`);
    expect(page).toContain(`href="${APP.replace("&", "&amp;")}&amp;checkout=canceled"`);

    const paid = await payOnPage(session.url!, "4242 4242 4242 4242");
    expect(paid.status).toBe(303);
    expect(paid.location).toBe(`${APP}&checkout_session=${session.id}`);

    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["customer", "subscription", "subscription.latest_invoice", "subscription.default_payment_method"],
    });
    expect(done).toMatchObject({ status: "complete", payment_status: "paid", url: null });
    expect(done.customer).toMatchObject({ id: CUSTOMER.id, object: "customer" });
    const sub = done.subscription as Stripe.Subscription;
    expect(sub).toMatchObject({ status: "active", customer: CUSTOMER.id, metadata: { company_id: "c1" } });
    expect(sub.items.data[0]?.price.id).toBe("price_pro_monthly");
    expect(sub.latest_invoice).toMatchObject({
      status: "paid",
      amount_paid: 4900,
      billing_reason: "subscription_create",
    });
    expect(sub.default_payment_method).toMatchObject({ customer: CUSTOMER.id, card: { brand: "visa", last4: "4242" } });
    // Checkout puts the card on the subscription, not as the customer's default.
    expect((done.customer as Stripe.Customer).invoice_settings.default_payment_method).toBeNull();

    expect(await events()).toEqual([
      "payment_method.attached",
      "invoice.created",
      "customer.subscription.created",
      "invoice.finalized",
      "customer.subscription.updated",
      "invoice.paid",
      "invoice.payment_succeeded",
      "checkout.session.completed",
    ]);
    const created = (await stripe.events.list({ type: "customer.subscription.created" })).data[0];
    expect((created?.data.object as Stripe.Subscription).status).toBe("incomplete");
    // Paid means paid: the page no longer takes a card.
    expect((await payOnPage(session.url!, "4242424242424242")).html).toContain("This checkout is complete.");
  });

  it("4000 0000 0000 0002: Stripe's decline on the same page, nothing made; another card then pays", async () => {
    const session = await stripe.checkout.sessions.create(appParams());
    const declined = await payOnPage(session.url!, "4000000000000002");
    expect(declined.status).toBe(402);
    expect(declined.html).toContain('<p role="alert" data-testid="checkout-error">Your card was declined.</p>');
    expect(await events()).toEqual([]);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    expect((await payOnPage(session.url!, "4242424242424242")).status).toBe(303);
  });

  it("4000 0000 0000 0341: the card is attached to the customer, then the payment is declined; no subscription", async () => {
    const session = await stripe.checkout.sessions.create(appParams());
    const declined = await payOnPage(session.url!, "4000 0000 0000 0341");
    expect(declined.html).toContain("Your card was declined.");
    expect(await events()).toEqual(["payment_method.attached"]);
    expect((await stripe.subscriptions.list({ customer: CUSTOMER.id })).data).toEqual([]);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
  });

  it.each([
    ["4242 4242 4242 4241", "Your card number is invalid."],
    ["4242", "Your card number is incomplete."],
    ["4111 1111 1111 1111", "Your request was in test mode, but used a non test card."],
  ])("card number %s: %s", async (number, message) => {
    expect((await payOnPage((await stripe.checkout.sessions.create(appParams())).url!, number)).html).toContain(
      message,
    );
  });

  it("a past expiry and a missing CVC are refused before anything is charged", async () => {
    const url = (await stripe.checkout.sessions.create(appParams())).url!;
    expect((await payOnPage(url, "4242424242424242", { expiry: "01 / 20" })).html).toContain(
      "Your card&#39;s expiration date is in the past.",
    );
    expect((await payOnPage(url, "4242424242424242", { cvc: "" })).html).toContain(
      "Your card&#39;s security code is incomplete.",
    );
    expect(await events()).toEqual([]);
  });

  it("a trial: the subscription starts trialing with a $0 paid invoice; no update event", async () => {
    const session = await stripe.checkout.sessions.create(
      appParams({ subscription_data: { metadata: { company_id: "c1" }, trial_period_days: 14 } }),
    );
    expect(session.amount_total).toBe(0);
    const page = await (await fetch(session.url!)).text();
    expect(page).toContain("14 days free");
    expect(page).toContain(">Start trial</button>");
    await payOnPage(session.url!, "4242424242424242");
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["subscription.latest_invoice"] });
    expect(done.payment_status).toBe("no_payment_required");
    const sub = done.subscription as Stripe.Subscription;
    expect(sub.status).toBe("trialing");
    expect(sub.trial_end! - sub.trial_start!).toBe(14 * 24 * 60 * 60);
    expect(sub.latest_invoice).toMatchObject({ status: "paid", amount_paid: 0 });
    expect(await events()).not.toContain("customer.subscription.updated");
  });

  it("a yearly price bills a year", async () => {
    const yearly = await stripe.prices.create({
      product: "prod_pro",
      currency: "usd",
      unit_amount: 49000,
      recurring: { interval: "year" },
    });
    const session = await stripe.checkout.sessions.create(
      appParams({ line_items: [{ price: yearly.id, quantity: 1 }] }),
    );
    expect(await (await fetch(session.url!)).text()).toContain("$490.00 per year");
    await payOnPage(session.url!, "4242424242424242");
    const sub = (await stripe.checkout.sessions.retrieve(session.id, { expand: ["subscription"] }))
      .subscription as Stripe.Subscription;
    const item = sub.items.data[0]!;
    expect(new Date(item.current_period_end * 1000).getUTCFullYear()).toBe(
      new Date(item.current_period_start * 1000).getUTCFullYear() + 1,
    );
  });

  it("without a customer, the page asks for an email and Checkout makes the customer", async () => {
    const session = await stripe.checkout.sessions.create(appParams({ customer: undefined }));
    expect(await (await fetch(session.url!)).text()).toContain('name="email"');
    await payOnPage(session.url!, "4242424242424242", { email: "new@example.test" });
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["customer"] });
    expect(done.customer).toMatchObject({ object: "customer", email: "new@example.test" });
    expect((await events())[0]).toBe("customer.created");
  });

  it("an unknown session is Stripe's not-found page", async () => {
    const res = await fetch(`${standIn.url}/c/pay/cs_test_a1nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("could not be found");
  });
});

describe("retrieve, list and expire", () => {
  it("expansion stays within Stripe's four levels", async () => {
    const session = await stripe.checkout.sessions.create(appParams());
    const err = await failure(
      stripe.checkout.sessions.retrieve(session.id, { expand: ["subscription.items.data.price.product"] }),
    );
    expect(err.code).toBe("property_expansion_max_depth");
    expect(await failure(stripe.checkout.sessions.retrieve("cs_test_nope"))).toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
  });

  it("lists the customer's sessions newest first, with data.subscription expanded", async () => {
    const older = await stripe.checkout.sessions.create(appParams());
    await payOnPage(older.url!, "4242424242424242");
    const newer = await stripe.checkout.sessions.create(appParams());
    const list = await stripe.checkout.sessions.list({
      customer: CUSTOMER.id,
      limit: 20,
      expand: ["data.subscription"],
    });
    expect(list.data.map((s) => s.id)).toEqual([newer.id, older.id]);
    expect(list.data[1]?.subscription).toMatchObject({ object: "subscription", status: "active" });
    expect((await stripe.checkout.sessions.list({ customer: "cus_Other" })).data).toEqual([]);
    expect((await stripe.checkout.sessions.list({ status: "open" })).data.map((s) => s.id)).toEqual([newer.id]);
  });

  it("expires an open session (checkout.session.expired, no url, the page closed) and refuses any other", async () => {
    const session = await stripe.checkout.sessions.create(appParams());
    const expired = await stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({ status: "expired", url: null });
    expect(await events()).toEqual(["checkout.session.expired"]);
    const page = await fetch(session.url!);
    expect(page.status).toBe(410);
    const again = await failure(stripe.checkout.sessions.expire(session.id));
    expect(again).toMatchObject({ type: "StripeInvalidRequestError", statusCode: 400 });
    expect(again.message).toBe(
      'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of `expired`.',
    );
    const paid = await stripe.checkout.sessions.create(appParams());
    await payOnPage(paid.url!, "4242424242424242");
    expect((await failure(stripe.checkout.sessions.expire(paid.id))).message).toContain("a status of `complete`");
  });
});

describe("held webhooks", () => {
  it("while held nothing is delivered; released, everything the endpoint listens to arrives, in order", async () => {
    await control("POST", "webhook-hold");
    const session = await stripe.checkout.sessions.create(appParams());
    await payOnPage(session.url!, "4242424242424242");
    expect(await control("GET", "webhook-hold")).toEqual({ holding: true, pending: 6 });
    expect(delivered).toEqual([]);
    await control("DELETE", "webhook-hold");
    await control("POST", "flush");
    expect(delivered).toEqual([
      "payment_method.attached",
      "customer.subscription.created",
      "invoice.finalized",
      "customer.subscription.updated",
      "invoice.paid",
      "checkout.session.completed",
    ]);
  });

  it("a reset ends the hold", async () => {
    await control("POST", "webhook-hold");
    await control("POST", "reset");
    expect(await control("GET", "webhook-hold")).toEqual({ holding: false, pending: 0 });
  });

  it("the sessions made are readable back with their parameters, which never include payment_method_types", async () => {
    await stripe.checkout.sessions.create(appParams());
    const [made] = await control<Array<{ params: Record<string, unknown> }>>("GET", "checkout-sessions");
    expect(made?.params).toMatchObject({ mode: "subscription", subscription_data: { metadata: { company_id: "c1" } } });
    expect(made?.params).not.toHaveProperty("payment_method_types");
  });
});
