// Webhook endpoints and the events list in the Stripe stand-in, through the official SDK: the
// endpoints listed are the ones it delivers to, a secret is answered once, an endpoint disabled
// or deleted through the API hears nothing more, `delivery_success` tells delivered events from
// the ones some endpoint never acknowledged, only 30 days of events are listed, and a drop fault
// loses events on purpose.
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { failure } from "./sdk-failure.ts";
import { startTestStripe, type StripeControl, type TestStripe } from "./stripe-stand-in.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.ts";

const START_SECRET = "whsec_start_endpoint";
const CUSTOMER = "cus_WebhookTests001";
const verifier = new Stripe("sk_test_verifier_only");

// One receiver; each path is an endpoint with its own secret. Answers 500 while `failing` has the path.
type Received = { path: string; event: Stripe.Event };
const received: Received[] = [];
const secrets = new Map<string, string>();
const failing = new Set<string>();
let receiver: WebhookReceiver;
let base = "";

let standIn: TestStripe;
let stripe: Stripe;
let control: StripeControl["call"];
const flush = () => control("POST", "flush");
/** One customer.updated event, the cheapest change there is. */
async function change(): Promise<string> {
  const { events } = await control<{ events: { id: string }[] }>("POST", "simulate", {
    customer: CUSTOMER,
    action: "set_metadata",
    metadata: { probe: String(Math.random()) },
  });
  return events[0]!.id;
}
const arrived = (path: string) => received.filter((r) => r.path === path).map((r) => r.event.id);
const ids = (list: { data: { id: string }[] }) => list.data.map((o) => o.id);

beforeAll(async () => {
  receiver = await startWebhookReceiver(({ path, body, signature }, res) => {
    if (failing.has(path)) return void res.writeHead(500).end();
    try {
      received.push({ path, event: verifier.webhooks.constructEvent(body, signature, secrets.get(path) ?? "") });
      res.writeHead(200).end();
    } catch {
      res.writeHead(400).end();
    }
  });
  base = receiver.origin;
  secrets.set("/start", START_SECRET);
  standIn = await startTestStripe({
    seed: { customers: [{ id: CUSTOMER, name: "Hooks Inc", subscription: { price: "price_pro_monthly" } }] },
    webhook: { url: `${base}/start`, secret: START_SECRET, enabledEvents: ["customer.updated", "invoice.paid"] },
  });
  control = standIn.control.call;
  stripe = standIn.sdk();
});

afterAll(async () => {
  await standIn?.close();
  await receiver?.close();
});

beforeEach(async () => {
  await control("POST", "reset");
  received.length = 0;
  failing.clear();
});

/** An endpoint made through the API at hooks.example.com<path>, which the receiver answers. */
async function endpointAt(path: string, params: Partial<Stripe.WebhookEndpointCreateParams> = {}) {
  await control("POST", "resolve", { host: "hooks.example.com", to: base });
  const made = await stripe.webhookEndpoints.create({
    url: `https://hooks.example.com${path}`,
    enabled_events: ["*"],
    ...params,
  });
  secrets.set(path, made.secret!);
  return made;
}

describe("webhook endpoints", () => {
  it("lists the endpoint the stand-in was started with: enabled, its events, no secret", async () => {
    const list = await stripe.webhookEndpoints.list();
    expect(list.data).toHaveLength(1);
    const [start] = list.data;
    expect(start).toEqual({
      id: expect.stringMatching(/^we_\w{24}$/),
      object: "webhook_endpoint",
      api_version: null,
      application: null,
      created: expect.any(Number),
      description: null,
      enabled_events: ["customer.updated", "invoice.paid"],
      livemode: false,
      metadata: {},
      status: "enabled",
      url: `${base}/start`,
    });
    expect(await stripe.webhookEndpoints.retrieve(start!.id)).toEqual(start);
    // The same id after a reset: it is the start option's.
    await control("POST", "reset");
    expect(ids(await stripe.webhookEndpoints.list())).toEqual([start!.id]);
  });

  it("creates one with *, a description and metadata; the secret comes back once; newest first, paginated", async () => {
    const made = await stripe.webhookEndpoints.create({
      url: "https://hooks.example.com/stripe",
      enabled_events: ["*"],
      description: "Production",
      metadata: { team: "billing" },
    });
    expect(made).toMatchObject({
      object: "webhook_endpoint",
      enabled_events: ["*"],
      description: "Production",
      metadata: { team: "billing" },
      status: "enabled",
      api_version: null,
    });
    expect(made.secret).toMatch(/^whsec_\w{32}$/);
    const again = await stripe.webhookEndpoints.retrieve(made.id);
    expect(again).not.toHaveProperty("secret");
    const versioned = await stripe.webhookEndpoints.create({
      url: "https://hooks.example.com/old",
      enabled_events: ["invoice.paid"],
      api_version: "2025-03-31.basil",
    });
    expect(versioned.api_version).toBe("2025-03-31.basil");
    const first = await stripe.webhookEndpoints.list({ limit: 2 });
    expect(ids(first)).toEqual([versioned.id, made.id]);
    expect(first.has_more).toBe(true);
    const all = await stripe.webhookEndpoints.list({ limit: 1 }).autoPagingToArray({ limit: 10 });
    expect(all.map((e) => e.id)).toEqual([versioned.id, made.id, expect.stringMatching(/^we_/)]);
    expect(all.every((e) => e.secret === undefined)).toBe(true);
  });

  it.each([
    ["no url", { enabled_events: ["*"] }, { code: "parameter_missing", param: "url" }],
    ["no events", { url: "https://hooks.example.com/x" }, { code: "parameter_missing", param: "enabled_events" }],
    [
      "an event type Stripe doesn't have",
      { url: "https://hooks.example.com/x", enabled_events: ["invoice.payed"] },
      { param: "enabled_events[0]", message: expect.stringMatching(/^Invalid enabled_events\[0\]: must be one of/) },
    ],
    [
      "a local URL",
      { url: "http://localhost:3000/api/stripe/webhook", enabled_events: ["*"] },
      { param: "url", message: expect.stringContaining("URLs must be publicly accessible") },
    ],
    [
      "an API version Stripe never released",
      { url: "https://hooks.example.com/x", enabled_events: ["*"], api_version: "2019-13-45" },
      { param: "api_version" },
    ],
  ])("refuses %s", async (_, params, expected) => {
    const error = await failure(stripe.webhookEndpoints.create(params as Stripe.WebhookEndpointCreateParams));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, ...expected });
    expect(ids(await stripe.webhookEndpoints.list())).toHaveLength(1);
  });

  it("an unknown id is Stripe's 404", async () => {
    const error = await failure(stripe.webhookEndpoints.retrieve("we_missing"));
    expect(error).toMatchObject({
      statusCode: 404,
      code: "resource_missing",
      message: "No such webhook endpoint: 'we_missing'",
    });
  });
});

describe("delivering to the endpoints listed", () => {
  it("each enabled endpoint subscribed to the type gets the event, signed with its own secret", async () => {
    await endpointAt("/made");
    const event = await change();
    expect((await stripe.events.list({ limit: 1 })).data[0]).toMatchObject({ id: event, pending_webhooks: 2 });
    await flush();
    expect(arrived("/start")).toEqual([event]);
    expect(arrived("/made")).toEqual([event]);
    expect((await stripe.events.list({ limit: 1 })).data[0]).toMatchObject({ id: event, pending_webhooks: 0 });
  });

  it("disabled through the API: nothing more is sent; enabled again: it is", async () => {
    const [start] = (await stripe.webhookEndpoints.list()).data;
    const disabled = await stripe.webhookEndpoints.update(start!.id, { disabled: true });
    expect(disabled.status).toBe("disabled");
    const missed = await change();
    await flush();
    expect(arrived("/start")).toEqual([]);
    // Nothing was going to be sent, so nothing is pending: the event counts as delivered.
    expect(ids(await stripe.events.list({ delivery_success: false }))).toEqual([]);
    expect(ids(await stripe.events.list({ delivery_success: true }))).toContain(missed);
    await stripe.webhookEndpoints.update(start!.id, { disabled: false });
    const heard = await change();
    await flush();
    expect(arrived("/start")).toEqual([heard]);
  });

  it("its events narrowed through the API, or deleted: only what it listens to, then nothing", async () => {
    const [start] = (await stripe.webhookEndpoints.list()).data;
    const narrowed = await stripe.webhookEndpoints.update(start!.id, {
      enabled_events: ["invoice.paid"],
      metadata: { owner: "ops" },
      description: "narrowed",
    });
    expect(narrowed).toMatchObject({ enabled_events: ["invoice.paid"], metadata: { owner: "ops" } });
    await change();
    await flush();
    expect(arrived("/start")).toEqual([]);
    expect(await stripe.webhookEndpoints.del(start!.id)).toEqual({
      id: start!.id,
      object: "webhook_endpoint",
      deleted: true,
    });
    expect(ids(await stripe.webhookEndpoints.list())).toEqual([]);
    expect(await control("GET", "webhook")).toEqual({ url: null });
    await control("POST", "simulate", { customer: CUSTOMER, action: "renew" });
    await flush();
    expect(received).toEqual([]);
  });
});

describe("events.list", () => {
  it("delivery_success=false: events an endpoint never acknowledged, though another did; true: the rest", async () => {
    await endpointAt("/down");
    failing.add("/down");
    const lost = await change();
    await flush(); // four attempts at /down, then given up
    failing.clear();
    const fine = await change();
    await flush();
    expect(arrived("/start")).toEqual([lost, fine]);
    const undelivered = await stripe.events.list({ delivery_success: false });
    expect(ids(undelivered)).toEqual([lost]);
    expect(undelivered.data[0]?.pending_webhooks).toBe(1);
    expect(ids(await stripe.events.list({ delivery_success: true, type: "customer.updated" }))).toEqual([fine]);
    const deliveries = await control<{ event: string; endpoint: string; delivered: boolean; attempts: unknown[] }[]>(
      "GET",
      "deliveries",
    );
    expect(deliveries.filter((d) => d.event === lost).map((d) => [d.delivered, d.attempts.length])).toEqual([
      [true, 1],
      [false, 4],
    ]);
  });

  it("type (with a wildcard), types, not both; created ranges; pagination, newest first", async () => {
    const { events } = await control<{ events: { id: string; type: string }[] }>("POST", "simulate", {
      customer: CUSTOMER,
      action: "renew",
    });
    expect(events.map((e) => e.type)).toEqual(["invoice.finalized", "invoice.paid", "customer.subscription.updated"]);
    const newestFirst = events.map((e) => e.id).reverse();
    expect(ids(await stripe.events.list({ type: "invoice.*" }))).toEqual(newestFirst.slice(1));
    expect(ids(await stripe.events.list({ types: ["invoice.paid", "customer.subscription.updated"] }))).toEqual(
      newestFirst.slice(0, 2),
    );
    const both = await failure(stripe.events.list({ type: "invoice.paid", types: ["invoice.paid"] }));
    expect(both).toMatchObject({
      statusCode: 400,
      message: "You may only specify one of these parameters: type, types.",
    });
    const now = Math.floor(Date.now() / 1000);
    expect(ids(await stripe.events.list({ created: { gt: now + 5 } }))).toEqual([]);
    expect(ids(await stripe.events.list({ created: { gte: now - 5, lte: now + 5 }, limit: 3 }))).toEqual(newestFirst);
    const paged = await stripe.events.list({ limit: 1 }).autoPagingToArray({ limit: 10 });
    expect(paged.map((e) => e.id)).toEqual(newestFirst);
  });

  it("lists only the last 30 days' events, as Stripe keeps them", async () => {
    const old = await change();
    const recent = await change();
    await control("POST", "events/age", { seconds: 31 * 86_400, events: [old] });
    await control("POST", "events/age", { seconds: 29 * 86_400, events: [recent] });
    expect(ids(await stripe.events.list())).toEqual([recent]);
    expect(ids(await stripe.events.list({ delivery_success: true }))).toEqual([recent]);
  });
});

describe("losing events on purpose: the drop fault", () => {
  it("the next events never reach any endpoint and are not retried; delivery_success=false lists them", async () => {
    await control("POST", "webhook-faults", { mode: "drop", count: 2 });
    const [first, second] = [await change(), await change()];
    const third = await change();
    await flush();
    expect(arrived("/start")).toEqual([third]);
    expect(ids(await stripe.events.list({ delivery_success: false }))).toEqual([second, first]);
    const deliveries = await control<{ event: string; attempts: { status: unknown }[]; delivered: boolean }[]>(
      "GET",
      "deliveries",
    );
    expect(deliveries.map((d) => [d.event, d.delivered, d.attempts.map((a) => a.status)])).toEqual([
      [first, false, ["dropped"]],
      [second, false, ["dropped"]],
      [third, true, [200]],
    ]);
  });
});

describe("portal configurations", () => {
  const PRODUCTS = "features.subscription_update.products";
  const defaultConfiguration = async () =>
    (await stripe.billingPortal.configurations.list({ is_default: true, expand: [`data.${PRODUCTS}`] })).data[0]!;

  it("the dashboard default offers what the billing page does; products only when expanded", async () => {
    const saved = await defaultConfiguration();
    expect(saved.features).toMatchObject({
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      subscription_cancel: { enabled: true },
      subscription_update: {
        enabled: true,
        default_allowed_updates: ["price"],
        products: [
          expect.objectContaining({ product: "prod_starter", prices: ["price_starter_monthly"] }),
          expect.objectContaining({ product: "prod_pro", prices: ["price_pro_monthly"] }),
          expect.objectContaining({ product: "prod_business", prices: ["price_business_monthly"] }),
        ],
      },
    });
    const plain = await stripe.billingPortal.configurations.retrieve(saved.id);
    expect(plain.features.subscription_update).not.toHaveProperty("products");
    const expanded = await stripe.billingPortal.configurations.retrieve(saved.id, { expand: [PRODUCTS] });
    expect(expanded.features.subscription_update.products).toHaveLength(3);
  });

  it("updated through the API (billing_portal.configuration.updated), a feature off stays off", async () => {
    const saved = await defaultConfiguration();
    const updated = await stripe.billingPortal.configurations.update(saved.id, {
      features: { invoice_history: { enabled: false } },
    });
    expect(updated.features.invoice_history.enabled).toBe(false);
    expect(updated.features.subscription_update.enabled).toBe(true);
    expect((await stripe.billingPortal.configurations.retrieve(saved.id)).features.invoice_history.enabled).toBe(false);
    const [event] = (await stripe.events.list({ type: "billing_portal.configuration.updated" })).data;
    expect(event?.data.previous_attributes).toEqual({
      features: { invoice_history: { enabled: true } },
      updated: saved.updated,
    });
    const missing = await failure(stripe.billingPortal.configurations.update("bpc_missing", { active: false }));
    expect(missing).toMatchObject({ statusCode: 404, message: "No such configuration: 'bpc_missing'" });
  });

  it.each([
    [
      "a plan switcher without its products",
      {
        subscription_update: { enabled: true, default_allowed_updates: ["price"] },
        payment_method_update: { enabled: true },
      },
      { code: "parameter_missing", param: "features[subscription_update][products]" },
    ],
    [
      "a plan switcher while cards can't be updated",
      {
        subscription_update: {
          enabled: true,
          default_allowed_updates: ["price"],
          products: [{ product: "prod_pro", prices: ["price_pro_monthly"] }],
        },
      },
      { message: "Cannot enable subscription updates while payment method update is disabled." },
    ],
  ])("refuses %s", async (_, features, expected) => {
    const error = await failure(
      stripe.billingPortal.configurations.create({ features } as Stripe.BillingPortal.ConfigurationCreateParams),
    );
    expect(error).toMatchObject({ statusCode: 400, ...expected });
  });

  it("a Change plan deep link needs subscription_update on in the configuration", async () => {
    const subscription = (await stripe.subscriptions.list({ customer: CUSTOMER })).data[0]!.id;
    const flow = { type: "subscription_update" as const, subscription_update: { subscription } };
    const session = await stripe.billingPortal.sessions.create({ customer: CUSTOMER, flow_data: flow });
    expect(session.flow?.type).toBe("subscription_update");
    const bare = await stripe.billingPortal.configurations.create({ features: { invoice_history: { enabled: true } } });
    const refused = await failure(
      stripe.billingPortal.sessions.create({ customer: CUSTOMER, configuration: bare.id, flow_data: flow }),
    );
    expect(refused).toMatchObject({
      statusCode: 400,
      param: "flow_data[type]",
      message:
        "You cannot use `flow_data` of type `subscription_update` because that feature is not enabled in your portal configuration.",
    });
    // Other deep links don't depend on it.
    const card = await stripe.billingPortal.sessions.create({
      customer: CUSTOMER,
      configuration: bare.id,
      flow_data: { type: "payment_method_update" },
    });
    expect(card.flow?.type).toBe("payment_method_update");
  });
});
