// The Stripe stand-in must be indistinguishable from Stripe for the calls the
// app makes, so every API assertion here goes through the official SDK. Only
// the control endpoints and the hosted page (a browser's view) use fetch.
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { LOCAL_STRIPE_KEY } from "../../dev/local-stack.ts";
import { failure } from "./sdk-failure.ts";
import { sdkFor, startTestStripe, type StripeControl, type TestStripe } from "./stripe-stand-in.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.ts";

const SEEDED = {
  id: "cus_SeededAcme0001",
  name: "Acme Inc",
  email: "billing@acme.test",
  metadata: { company_id: "acme" },
  subscription: { price: "price_pro_monthly" },
};
const GONE = { id: "cus_SeededGone0001", name: "Gone Ltd", deleted: true };

// Top-level keys of the reference fixtures (stripe-fixtures3.json) for these objects.
const SESSION_KEYS = [
  "configuration",
  "created",
  "customer",
  "customer_account",
  "flow",
  "id",
  "livemode",
  "locale",
  "object",
  "on_behalf_of",
  "return_url",
  "url",
];
const FLOW_KEYS = [
  "after_completion",
  "subscription_cancel",
  "subscription_update",
  "subscription_update_confirm",
  "type",
];
const CUSTOMER_KEYS = [
  "address",
  "balance",
  "created",
  "currency",
  "customer_account",
  "default_source",
  "delinquent",
  "description",
  "discount",
  "email",
  "id",
  "invoice_prefix",
  "invoice_settings",
  "livemode",
  "metadata",
  "name",
  "next_invoice_sequence",
  "object",
  "phone",
  "preferred_locales",
  "shipping",
  "tax_exempt",
  "test_clock",
];

let standIn: TestStripe;
let stripe: Stripe;
let control: StripeControl["call"];

const client = (options: Stripe.StripeConfig = {}, key = LOCAL_STRIPE_KEY): Stripe =>
  sdkFor(standIn.url, key, { maxNetworkRetries: 2, apiVersion: Stripe.API_VERSION, ...options });

type Counters = { calls: Record<string, number>; total: number; sessionsCreated: number };
type Config = { defaultConfiguration: boolean; defaultConfigurationId: string; sessionTtlSeconds: number };
const counters = () => control<Counters>("GET", "counters");
const fault = (spec: Record<string, unknown>) =>
  control("POST", "faults", { path: "/v1/billing_portal/sessions", ...spec });

const createSession = (
  params: Partial<Stripe.BillingPortal.SessionCreateParams> = {},
  options?: Stripe.RequestOptions,
  sdk = stripe,
) =>
  sdk.billingPortal.sessions.create(
    { customer: SEEDED.id, return_url: "https://app.example.com/billing", ...params },
    options,
  );

beforeAll(async () => {
  standIn = await startTestStripe({ seed: { customers: [SEEDED, GONE] } });
  control = standIn.control.call;
  stripe = client();
});

afterAll(() => standIn?.close());

beforeEach(async () => {
  await control("POST", "reset");
});

describe("server", () => {
  it("listens on the free port it was given with port 0", () => {
    expect(standIn.port).toBeGreaterThan(0);
    expect(standIn.url).toBe(`http://127.0.0.1:${standIn.port}`);
  });

  it("echoes Stripe-Version and sends a Request-Id", async () => {
    const customer = await stripe.customers.retrieve(SEEDED.id);
    expect(customer.lastResponse.apiVersion).toBe(Stripe.API_VERSION);
    expect(customer.lastResponse.requestId).toMatch(/^req_\w{14}$/);
    const older = await client({ apiVersion: "2025-01-27.acacia" as typeof Stripe.API_VERSION }).customers.retrieve(
      SEEDED.id,
    );
    expect(older.lastResponse.apiVersion).toBe("2025-01-27.acacia");
  });

  it("answers unknown routes like Stripe", async () => {
    const error = await failure(stripe.rawRequest("GET", "/v1/foo"));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(404);
    expect(error.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/foo\)/);
  });
});

describe("authentication and versions", () => {
  it("refuses any key but the account's, masked as Stripe masks it", async () => {
    for (const [key, shown] of [
      ["sk_test_51OtherAccount0000wxyz", "sk_test_******************wxyz"],
      ["sk_live_123456789", "sk_live_*****6789"],
      ["rk_test_abcdefgh", "rk_test_****efgh"],
      ["pk_test_abcdefgh", "pk_test_****efgh"],
      ["undefined", "*****ined"],
    ]) {
      const error = await failure(client({ maxNetworkRetries: 0 }, key).customers.retrieve(SEEDED.id));
      expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
      expect(error).toMatchObject({ statusCode: 401, rawType: "invalid_request_error", code: undefined });
      expect(error.message).toBe(`Invalid API Key provided: ${shown}`);
    }
    expect((await counters()).calls["GET /v1/customers/:id"]).toBe(5);
  });

  it("asks for a key when none is sent", async () => {
    const res = await fetch(`${standIn.url}/v1/customers/${SEEDED.id}`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="Stripe"');
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/^You did not provide an API key\./);
  });

  it("refuses an API version Stripe never released", async () => {
    for (const version of ["2099-01-01.zeta", "2025-09-30.acacia", "2019-2-19", "latest"]) {
      const error = await failure(
        client({ apiVersion: version as typeof Stripe.API_VERSION }).customers.retrieve(SEEDED.id),
      );
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({
        statusCode: 400,
        message: `Invalid Stripe API version: ${version}`,
        code: undefined,
      });
    }
    const legacy = await client({ apiVersion: "2023-10-16" as typeof Stripe.API_VERSION }).customers.retrieve(
      SEEDED.id,
    );
    expect(legacy.lastResponse.apiVersion).toBe("2023-10-16");
  });
});

describe("parameters", () => {
  it("refuses an integer parameter that is not one with parameter_invalid_integer", async () => {
    for (const limit of ["ten", "1.5", "1e3"]) {
      const error = await failure(
        stripe.subscriptions.list({ customer: SEEDED.id, limit: limit as unknown as number }),
      );
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({
        statusCode: 400,
        code: "parameter_invalid_integer",
        param: "limit",
        message: `Invalid integer: ${limit}`,
        doc_url: "https://stripe.com/docs/error-codes/parameter-invalid-integer",
      });
    }
    const nested = await failure(
      createSession({
        flow_data: {
          type: "subscription_update_confirm",
          subscription_update_confirm: {
            subscription: "sub_x",
            items: [{ id: "si_x", quantity: "two" as unknown as number }],
          },
        },
      }),
    );
    expect(nested).toMatchObject({
      code: "parameter_invalid_integer",
      param: "flow_data[subscription_update_confirm][items][0][quantity]",
    });
  });
});

describe("customers", () => {
  it("creates and retrieves a customer; a deleted one is its tombstone", async () => {
    const created = await stripe.customers.create({
      name: "Initech",
      email: "ap@initech.test",
      metadata: { company_id: "initech" },
      description: "d",
    });
    expect((await control<Array<{ type: string; object: string }>>("GET", "events")).at(-1)).toMatchObject({
      type: "customer.created",
      object: created.id,
    });
    expect(created.id).toMatch(/^cus_\w{14}$/);
    expect(Object.keys(created).sort()).toEqual(CUSTOMER_KEYS);
    expect(created).toMatchObject({
      object: "customer",
      name: "Initech",
      email: "ap@initech.test",
      metadata: { company_id: "initech" },
      description: "d",
      livemode: false,
    });

    const fetched = await stripe.customers.retrieve(created.id);
    expect(fetched).toEqual({ ...created });
    expect(await stripe.customers.retrieve(GONE.id)).toEqual({ id: GONE.id, object: "customer", deleted: true });
  });

  it("serves seeded customers and ones added through the control endpoint", async () => {
    expect(await stripe.customers.retrieve(SEEDED.id)).toMatchObject({
      name: SEEDED.name,
      email: SEEDED.email,
      metadata: SEEDED.metadata,
    });
    await control("POST", "customers", { id: "cus_ControlMade001", name: "Hooli" });
    expect(await stripe.customers.retrieve("cus_ControlMade001")).toMatchObject({ name: "Hooli", email: null });
  });

  it("reports an unknown customer as resource_missing", async () => {
    const error = await failure(stripe.customers.retrieve("cus_nope"));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({
      statusCode: 404,
      code: "resource_missing",
      param: "id",
      message: "No such customer: 'cus_nope'",
    });
    expect(error.doc_url).toBe("https://stripe.com/docs/error-codes/resource-missing");
  });
});

describe("portal sessions", () => {
  it("creates a session shaped like Stripe's, hosted on the stand-in", async () => {
    const { defaultConfigurationId } = await control<Config>("GET", "config");
    const session = await createSession({ locale: "fr" });
    expect(Object.keys(session).sort()).toEqual(SESSION_KEYS);
    expect(session).toMatchObject({
      object: "billing_portal.session",
      configuration: defaultConfigurationId,
      customer: SEEDED.id,
      customer_account: null,
      flow: null,
      livemode: false,
      locale: "fr",
      on_behalf_of: null,
      return_url: "https://app.example.com/billing",
    });
    expect(session.id).toMatch(/^bps_[A-Za-z0-9]{24}$/);
    expect(session.url.startsWith(`${standIn.url}/p/session/`)).toBe(true);
    expect(session.url).not.toContain(session.id);
    expect(await counters()).toMatchObject({
      calls: { "POST /v1/billing_portal/sessions": 1 },
      total: 1,
      sessionsCreated: 1,
    });
    expect((await control<Array<{ type: string; object: string }>>("GET", "events")).at(-1)).toMatchObject({
      type: "billing_portal.session.created",
      object: session.id,
    });
  });

  it("makes configurations through the API (billing_portal.configuration.created), lists and retrieves them", async () => {
    const made = await stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true } },
      default_return_url: "https://app.example.com/billing",
    });
    expect(made).toMatchObject({
      is_default: false,
      active: true,
      default_return_url: "https://app.example.com/billing",
    });
    expect(made.features.invoice_history.enabled).toBe(true);
    expect(made.features.subscription_cancel.enabled).toBe(false);
    expect((await control<Array<{ type: string; object: string }>>("GET", "events")).at(-1)).toEqual(
      expect.objectContaining({ type: "billing_portal.configuration.created", object: made.id }),
    );
    expect(await stripe.billingPortal.configurations.retrieve(made.id)).toEqual({ ...made });
    const { defaultConfigurationId } = await control<Config>("GET", "config");
    expect((await stripe.billingPortal.configurations.list()).data.map((c) => c.id)).toEqual([
      made.id,
      defaultConfigurationId,
    ]);
    await control("POST", "config", { defaultConfiguration: false });
    expect((await stripe.billingPortal.configurations.list({ is_default: true })).data).toEqual([]);
  });

  it("uses an explicit configuration and expands it on request", async () => {
    const { defaultConfigurationId } = await control<Config>("GET", "config");
    const session = await createSession({ configuration: defaultConfigurationId, expand: ["configuration"] });
    expect(session.configuration).toMatchObject({ id: defaultConfigurationId, object: "billing_portal.configuration" });
  });

  it.each([
    [
      "portal_homepage",
      { type: "portal_homepage" },
      { type: "portal_homepage", redirect: null, hosted_confirmation: null },
    ],
    [
      "redirect",
      { type: "redirect", redirect: { return_url: "https://app.example.com/done" } },
      { type: "redirect", redirect: { return_url: "https://app.example.com/done" }, hosted_confirmation: null },
    ],
    [
      "hosted_confirmation",
      { type: "hosted_confirmation", hosted_confirmation: { custom_message: "Thanks!" } },
      { type: "hosted_confirmation", redirect: null, hosted_confirmation: { custom_message: "Thanks!" } },
    ],
  ] as const)("echoes flow_data with after_completion %s", async (_name, afterCompletion, expected) => {
    const session = await createSession({
      flow_data: { type: "payment_method_update", after_completion: afterCompletion },
    });
    expect(Object.keys(session.flow ?? {})).toEqual(expect.arrayContaining(FLOW_KEYS));
    expect(session.flow).toMatchObject({
      type: "payment_method_update",
      after_completion: expected,
      subscription_cancel: null,
      subscription_update: null,
      subscription_update_confirm: null,
    });
  });

  it("echoes the subscription flows' own objects", async () => {
    // Subscription flows must name a subscription of the customer's own.
    const subscription = (await stripe.subscriptions.list({ customer: SEEDED.id })).data[0]?.id ?? "";
    expect(subscription).toMatch(/^sub_\w{24}$/);
    const cancel = await createSession({
      flow_data: {
        type: "subscription_cancel",
        subscription_cancel: { subscription, retention: { type: "coupon_offer", coupon_offer: { coupon: "SAVE" } } },
      },
    });
    expect(cancel.flow).toMatchObject({
      type: "subscription_cancel",
      subscription_cancel: { subscription, retention: { type: "coupon_offer", coupon_offer: { coupon: "SAVE" } } },
      after_completion: { type: "portal_homepage" },
    });
    const confirm = await createSession({
      flow_data: {
        type: "subscription_update_confirm",
        subscription_update_confirm: {
          subscription,
          items: [{ id: "si_1", price: "price_1", quantity: 2 }],
          discounts: [{ coupon: "C" }],
        },
      },
    });
    expect(confirm.flow?.subscription_update_confirm).toEqual({
      subscription,
      items: [{ id: "si_1", price: "price_1", quantity: 2 }],
      discounts: [{ coupon: "C", promotion_code: null }],
    });
    const update = await createSession({
      flow_data: { type: "subscription_update", subscription_update: { subscription } },
    });
    expect(update.flow?.subscription_update).toEqual({ subscription });
  });

  const invalid = async (params: Record<string, unknown>) => {
    const error = await failure(createSession(params as Partial<Stripe.BillingPortal.SessionCreateParams>));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(400);
    return error;
  };

  it("requires a redirect return_url for redirect after_completion", async () => {
    const error = await invalid({
      flow_data: { type: "payment_method_update", after_completion: { type: "redirect" } },
    });
    expect(error).toMatchObject({ code: "parameter_missing", param: "flow_data[after_completion][redirect]" });
    const nested = await invalid({
      flow_data: {
        type: "payment_method_update",
        after_completion: { type: "redirect", redirect: { return_url: "nope" } },
      },
    });
    expect(nested).toMatchObject({ code: "url_invalid", param: "flow_data[after_completion][redirect][return_url]" });
  });

  it("requires the object of a subscription flow", async () => {
    expect(await invalid({ flow_data: { type: "subscription_cancel" } })).toMatchObject({
      code: "parameter_missing",
      param: "flow_data[subscription_cancel]",
    });
  });

  it("rejects unknown parameters, top-level and nested", async () => {
    expect(await invalid({ foo: "bar" })).toMatchObject({
      code: "parameter_unknown",
      param: "foo",
      message: "Received unknown parameter: foo",
    });
    expect(await invalid({ flow_data: { type: "payment_method_update", extra: "1" } })).toMatchObject({
      param: "flow_data[extra]",
    });
  });

  it("rejects a locale Stripe does not have", async () => {
    const error = await invalid({ locale: "xx" });
    expect(error.param).toBe("locale");
    expect(error.message).toMatch(/^Invalid locale: must be one of auto, bg, /);
  });

  it("rejects a return_url that is not an absolute URL", async () => {
    expect(await invalid({ return_url: "/billing" })).toMatchObject({
      param: "return_url",
      message: "Not a valid URL",
    });
  });

  it("requires a customer", async () => {
    const error = await failure(stripe.billingPortal.sessions.create({ return_url: "https://app.example.com" }));
    expect(error).toMatchObject({
      statusCode: 400,
      code: "parameter_missing",
      param: "customer",
      message: "Missing required param: customer.",
    });
  });

  it("refuses unknown and deleted customers with a 400", async () => {
    for (const id of ["cus_unknown", GONE.id]) {
      expect(await invalid({ customer: id })).toMatchObject({
        code: "resource_missing",
        param: "customer",
        message: `No such customer: '${id}'`,
      });
    }
  });

  it("refuses an unknown configuration", async () => {
    expect(await invalid({ configuration: "bpc_missing" })).toMatchObject({
      code: "resource_missing",
      param: "configuration",
      message: "No such configuration: 'bpc_missing'",
    });
  });

  it("explains a missing default configuration like Stripe", async () => {
    await control("POST", "config", { defaultConfiguration: false });
    const error = await invalid({});
    expect(error.message).toMatch(
      /^No configuration provided and your test mode default configuration has not been created\. Provide a configuration or create your default by saving your customer portal settings in test mode at https:\/\/dashboard\.stripe\.com\/test\/settings\/billing\/portal\./,
    );
    expect(error.code).toBeUndefined();
    expect((await counters()).sessionsCreated).toBe(0);
  });
});

describe("idempotency", () => {
  it("replays the stored session for a repeated key", async () => {
    const first = await createSession({}, { idempotencyKey: "portal-1" });
    const second = await createSession({}, { idempotencyKey: "portal-1" });
    expect(second.id).toBe(first.id);
    expect(second.url).toBe(first.url);
    expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(await counters()).toMatchObject({ calls: { "POST /v1/billing_portal/sessions": 2 }, sessionsCreated: 1 });
    const recorded = (await control<Array<{ id: string; customer: string }>>("GET", "sessions")).filter(
      (s) => s.id === first.id,
    );
    expect(recorded).toMatchObject([{ id: first.id, customer: SEEDED.id }]);
  });

  it("refuses the same key with different parameters", async () => {
    await createSession({}, { idempotencyKey: "portal-2" });
    const error = await failure(createSession({ locale: "de" }, { idempotencyKey: "portal-2" }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error.message).toMatch(
      /^Keys for idempotent requests can only be used with the same parameters they were first used with/,
    );
  });

  it("stores nothing for a request that failed validation", async () => {
    await invalidThenValid("portal-3", { locale: "xx" });
  });

  it("stores nothing for a request refused by a status fault", async () => {
    await fault({ count: 1, mode: "status", status: 500 });
    await failure(createSession({}, { idempotencyKey: "portal-4", maxNetworkRetries: 0 }));
    await createSession({}, { idempotencyKey: "portal-4" });
    expect((await counters()).sessionsCreated).toBe(1);
  });

  it("stores a 500 that happened after the request ran, and replays it without retries", async () => {
    await fault({ count: 1, mode: "status", status: 500, afterExecute: true });
    const first = await failure(createSession({}, { idempotencyKey: "portal-crash" }));
    expect(first).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(first.statusCode).toBe(500);
    expect(first.headers?.["stripe-should-retry"]).toBe("false");
    // The request ran (one session) and the SDK, told not to, made no retry.
    expect(await counters()).toMatchObject({ calls: { "POST /v1/billing_portal/sessions": 1 }, sessionsCreated: 1 });
    const again = await failure(createSession({}, { idempotencyKey: "portal-crash" }));
    expect(again).toMatchObject({ statusCode: 500, message: first.message, requestId: again.requestId });
    // The same body, down to the first request's log link; only the envelope's headers differ.
    const body = (e: Stripe.errors.StripeError) => ({ ...(e.raw as object), headers: null, requestId: null });
    expect(body(again)).toEqual(body(first));
    expect(again.headers).toMatchObject({ "stripe-should-retry": "false", "idempotent-replayed": "true" });
    expect(await counters()).toMatchObject({ calls: { "POST /v1/billing_portal/sessions": 2 }, sessionsCreated: 1 });
  });

  it("answers 409 while the first request with the key is still running", async () => {
    await fault({ count: 1, mode: "latency", ms: 800 });
    const first = createSession({}, { idempotencyKey: "portal-5" });
    await new Promise((r) => setTimeout(r, 200));
    const error = await failure(createSession({}, { idempotencyKey: "portal-5", maxNetworkRetries: 0 }));
    expect(error).toMatchObject({ statusCode: 409, rawType: "idempotency_error", code: "idempotency_key_in_use" });
    // With retries the SDK waits out the conflict and gets the replay.
    const [a, b] = await Promise.all([first, createSession({}, { idempotencyKey: "portal-5" })]);
    expect(b.id).toBe(a.id);
    expect((await counters()).sessionsCreated).toBe(1);
  });
});

async function invalidThenValid(key: string, bad: Partial<Stripe.BillingPortal.SessionCreateParams>) {
  await failure(createSession(bad, { idempotencyKey: key }));
  const session = await createSession({}, { idempotencyKey: key });
  expect(session.id).toMatch(/^bps_/);
  expect((await counters()).sessionsCreated).toBe(1);
}

describe("faults", () => {
  it("recovers from two 500s with the SDK's retries, creating one session", async () => {
    await fault({ count: 2, mode: "status", status: 500 });
    const session = await createSession();
    expect(session.id).toMatch(/^bps_/);
    expect(await counters()).toMatchObject({
      calls: { "POST /v1/billing_portal/sessions": 3 },
      total: 3,
      sessionsCreated: 1,
    });
  });

  it("fails with StripeAPIError when 500s outlast the retries", async () => {
    await fault({ count: 3, mode: "status", status: 500 });
    const error = await failure(createSession());
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error.message).toBe("An unknown error occurred");
    expect(await counters()).toMatchObject({ total: 3, sessionsCreated: 0 });
  });

  it("executes dropped calls, so retries replay one session", async () => {
    await fault({ count: 2, mode: "drop" });
    const session = await createSession();
    expect(await counters()).toMatchObject({ calls: { "POST /v1/billing_portal/sessions": 3 }, sessionsCreated: 1 });
    expect((await control<Array<{ id: string }>>("GET", "sessions")).filter((s) => s.id === session.id)).toHaveLength(
      1,
    );
  });

  it("drops only after executing: the session exists although the client never heard back", async () => {
    await fault({ count: 2, mode: "drop" });
    // The SDK retries a closed connection once even without retries, so two drops exhaust it.
    const error = await failure(createSession({}, { idempotencyKey: "dropped-1", maxNetworkRetries: 0 }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(await counters()).toMatchObject({ total: 2, sessionsCreated: 1 });
    const created = (await control<Array<{ id: string }>>("GET", "sessions")).at(-1);
    expect((await createSession({}, { idempotencyKey: "dropped-1" })).id).toBe(created?.id);
  });

  it("maps 429 to StripeRateLimitError without retrying", async () => {
    await fault({ count: 1, mode: "status", status: 429 });
    const error = await failure(createSession());
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error.code).toBe("rate_limit");
    expect(await counters()).toMatchObject({ total: 1, sessionsCreated: 0 });
  });

  it("passes fault headers through, e.g. Stripe-Should-Retry", async () => {
    await fault({ count: 1, mode: "status", status: 429, headers: { "Stripe-Should-Retry": "true" } });
    await createSession();
    expect(await counters()).toMatchObject({ total: 2, sessionsCreated: 1 });
  });

  it("only hits the path it names, and can be listed and cleared", async () => {
    await fault({ count: 5, mode: "status", status: 503 });
    await stripe.customers.retrieve(SEEDED.id);
    expect(await control<{ faults: Array<{ remaining: number }> }>("GET", "faults")).toMatchObject({
      faults: [{ remaining: 5 }],
    });
    await control("DELETE", "faults");
    await createSession();
    expect((await counters()).sessionsCreated).toBe(1);
  });

  it("delays calls, which the SDK's timeout turns into StripeConnectionError", async () => {
    await fault({ count: 1, mode: "latency", ms: 1000 });
    const error = await failure(createSession({}, undefined, client({ timeout: 300, maxNetworkRetries: 0 })));
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    // The slow call still runs to completion on the server.
    await expect.poll(async () => (await counters()).sessionsCreated, { timeout: 3000 }).toBe(1);
  });
});

describe("hosted portal page", () => {
  it("names the customer and flow and links back to return_url", async () => {
    const session = await createSession({ flow_data: { type: "payment_method_update" } });
    const res = await fetch(session.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<title>[^<]*portal[^<]*<\/title>/i);
    expect(html).toContain(`<h1>${SEEDED.name}</h1>`);
    expect(html).toContain(`data-testid="portal-customer-id">${SEEDED.id}<`);
    expect(html).toContain(`data-testid="portal-flow">payment_method_update<`);
    expect(html).toContain(
      `<a data-testid="portal-return" href="https://app.example.com/billing">Return to app.example.com</a>`,
    );
    const plain = await (await fetch((await createSession()).url)).text();
    expect(plain).toContain(`data-testid="portal-flow">portal_homepage<`);
    // Page views are counted apart from API calls.
    expect(await counters()).toMatchObject({ calls: { "GET /p/session": 2 }, total: 2 });
  });

  it("answers 410 after the session's TTL, still linking back", async () => {
    await control("POST", "config", { sessionTtlSeconds: 1 });
    const session = await createSession();
    expect((await fetch(session.url)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const res = await fetch(session.url);
    expect(res.status).toBe(410);
    const html = await res.text();
    expect(html).toContain("This portal session has expired");
    expect(html).toContain(`data-testid="portal-return" href="https://app.example.com/billing"`);
  });

  it("answers 404 for an unknown secret", async () => {
    const res = await fetch(`${standIn.url}/p/session/test_unknown`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("portal-customer-id");
  });
});

describe("control endpoints", () => {
  it("refuse a bad body with a 400 naming the field, and an unknown endpoint with a 404", async () => {
    const post = (path: string, body: string) => fetch(`${standIn.url}/__control/${path}`, { method: "POST", body });
    const bad = await post("faults", JSON.stringify({ mode: "status", count: 0 }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: "count: Too small: expected number to be >=1; status: required by mode status",
    });
    expect((await post("config", "not json")).status).toBe(400);
    const unknown = await fetch(`${standIn.url}/__control/counters`, { method: "PUT" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "No control endpoint PUT /__control/counters" });
  });
});

describe("counters", () => {
  it("DELETE /__control/counters zeroes the counters and nothing else", async () => {
    await createSession();
    await fault({ count: 2, mode: "status", status: 503 });
    expect(await control("DELETE", "counters")).toEqual({ calls: {}, total: 0, sessionsCreated: 0, pageViews: 0 });
    expect(await control("GET", "faults")).toMatchObject({ faults: [{ remaining: 2 }] });
    expect(await control<unknown[]>("GET", "sessions")).toHaveLength(1);
  });
});

// POST /__control/reset: back to the state just after start, with the seed's objects under the
// same ids (the app's database, seeded from the first start, keeps pointing at them).
describe("reset to start", () => {
  const SEED = {
    id: "cus_ResetAcme00001",
    name: "Reset Acme",
    metadata: { company_id: "acme" },
    subscription: { price: "price_pro_monthly" },
    paymentMethod: { brand: "visa", last4: "4242", expMonth: 12, expYear: 2031 },
    invoices: 2,
  } as const;
  let own: TestStripe;
  let ownControl: StripeControl["call"];
  let sdk: Stripe;
  let receiver: WebhookReceiver;
  let receiverUrl: string;
  // One per webhook POST received, to answer it with: the receiver answers only when told.
  const arrivals: Array<(status: number) => void> = [];
  const billingOf = async (customer: string) => ({
    customer: await sdk.customers.retrieve(customer, { expand: ["invoice_settings.default_payment_method"] }),
    subscriptions: (await sdk.subscriptions.list({ customer, status: "all" })).data,
    invoices: (await sdk.invoices.list({ customer })).data,
    configurations: (await sdk.billingPortal.configurations.list()).data,
  });

  beforeAll(async () => {
    receiver = await startWebhookReceiver((_, res) => arrivals.push((status) => res.writeHead(status).end()));
    receiverUrl = `${receiver.origin}/webhook`;
    // A start TTL other than the default, to see the reset restore the start's and not a default.
    own = await startTestStripe({ seed: { customers: [SEED] }, sessionTtlSeconds: 120 });
    ownControl = own.control.call;
    sdk = client({ port: own.port });
  });

  afterAll(async () => {
    await own?.close();
    await receiver?.close();
  });

  it("recreates the seed with the same ids and times, and forgets everything else", async () => {
    const atStart = await billingOf(SEED.id);
    expect(atStart.subscriptions).toHaveLength(1);
    expect(atStart.invoices).toHaveLength(2);
    expect(atStart.customer).toMatchObject({
      invoice_settings: { default_payment_method: { object: "payment_method" } },
    });
    const startConfig = await ownControl("GET", "config");

    const made = await sdk.customers.create({ name: "Made after start" });
    await sdk.billingPortal.sessions.create({ customer: SEED.id, return_url: "https://app.example.com/billing" });
    await ownControl("POST", "simulate", { customer: SEED.id, action: "cancel_now" });
    await ownControl("POST", "customers", { id: "cus_ControlMade002", name: "Hooli" });
    await ownControl("POST", "config", { defaultConfiguration: false, sessionTtlSeconds: 1 });
    await ownControl("POST", "faults", { path: "/v1/customers", count: 5, mode: "status", status: 500 });
    await ownControl("POST", "webhook-faults", { mode: "duplicate", count: 3 });
    await ownControl("POST", "webhook", { url: receiverUrl, secret: "whsec_reset" });

    // A day later: what was seeded keeps the times it had at start.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 86_400_000 });
    onTestFinished(() => void vi.useRealTimers());
    expect(await ownControl("POST", "reset")).toMatchObject({ total: 0, sessionsCreated: 0, calls: {} });
    expect(await ownControl("GET", "faults")).toEqual({ faults: [] });
    expect(await ownControl("GET", "webhook-faults")).toEqual({ faults: [] });
    expect(await ownControl("GET", "webhook")).toEqual({ url: null });
    expect(await ownControl("GET", "config")).toEqual(startConfig);
    expect(await ownControl("GET", "sessions")).toEqual([]);
    expect(await ownControl("GET", "events")).toEqual([]);
    expect(await ownControl("GET", "deliveries")).toEqual([]);
    expect(await billingOf(SEED.id)).toEqual(atStart);
    for (const gone of [made.id, "cus_ControlMade002"])
      expect((await failure(sdk.customers.retrieve(gone))).code).toBe("resource_missing");
  });

  it("derives the seeded ids from the seed, so another stand-in with the same seed has them too", async () => {
    const other = await startTestStripe({ seed: { customers: [SEED] } });
    try {
      const ids = async (port: number) => {
        const sdkOf = client({ port });
        const [subs, invoices, customer] = await Promise.all([
          sdkOf.subscriptions.list({ customer: SEED.id }),
          sdkOf.invoices.list({ customer: SEED.id }),
          sdkOf.customers.retrieve(SEED.id),
        ]);
        const card = "deleted" in customer ? null : customer.invoice_settings.default_payment_method;
        return [...subs.data.map((s) => s.id), ...invoices.data.map((i) => i.id), card];
      };
      expect(await ids(other.port)).toEqual(await ids(own.port));
    } finally {
      await other.close();
    }
  });

  it("drops queued deliveries and waits for the one on the wire, so none arrives after it", async () => {
    await ownControl("POST", "reset");
    await ownControl("POST", "webhook", { url: receiverUrl, secret: "whsec_reset" });
    arrivals.length = 0;
    const { events } = await ownControl<{ events: unknown[] }>("POST", "simulate", {
      customer: SEED.id,
      action: "renew",
    });
    expect(events.length).toBeGreaterThan(1);
    await expect.poll(() => arrivals.length).toBe(1);

    let resetDone = false;
    const reset = ownControl("POST", "reset").then(() => (resetDone = true));
    await ownControl("GET", "config"); // a round trip sent after the reset: it has arrived by now
    expect(resetDone).toBe(false); // held by the delivery on the wire
    arrivals[0]?.(500); // would be retried 200 ms later, and the other events sent after it
    await reset;
    // Absence can only be seen by waiting: twice the first retry's delay.
    await new Promise((r) => setTimeout(r, 400));
    expect(arrivals).toHaveLength(1);
    expect(await ownControl("GET", "deliveries")).toEqual([]);
  });
});
