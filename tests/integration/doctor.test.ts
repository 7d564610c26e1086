// npm run billing:doctor against a real PostgreSQL and the Auth and Stripe stand-ins. Each check
// is broken the way a new install breaks it, and must name the fix; Stripe calls are counted.
import { spawn } from "node:child_process";
import path from "node:path";
import type postgres from "postgres";
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { LOCAL_WEBHOOK_EVENTS } from "../../dev/local-stack.ts";
import type { StripeControl, TestStripe } from "../stand-ins/stripe-stand-in.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../stand-ins/webhook-receiver.ts";
import { freePort } from "../../dev/free-port.ts";
import { startTestStack, type TestStack } from "./stack.ts";
import { acmeCustomer, globexCustomer, umbrellaDeleted } from "./stripe-seed.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const UMBRELLA = "22222222-2222-4222-8222-000000000004";
const SECRET = "whsec_doctor_checks";
// A deployed app: Stripe delivers to its public URL (here resolved to a local server running the
// app's own webhook route, see beforeAll).
const APP_URL = "https://billing.example.com";
const ENDPOINT_URL = `${APP_URL}/api/stripe/webhook`;

let stack: TestStack<{ stripe: true; auth: true }>;
let standIn: TestStripe;
let control: StripeControl;
let sql: postgres.Sql;
let env: Record<string, string>;
let fullConfiguration: string;
let noInvoicesConfiguration: string;
let client: Stripe;
let app: WebhookReceiver;

beforeAll(async () => {
  stack = await startTestStack({
    stripe: {
      seed: { customers: [acmeCustomer, globexCustomer, umbrellaDeleted] },
      webhook: { url: ENDPOINT_URL, secret: SECRET, enabledEvents: LOCAL_WEBHOOK_EVENTS },
    },
    auth: true,
    env: { STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_MAX_NETWORK_RETRIES: "0", APP_URL },
  });
  ({ sql, env, stripe: standIn } = stack);
  ({ control } = standIn);
  // The app's webhook route, reached at APP_URL: it verifies with the app's STRIPE_WEBHOOK_SECRET.
  const { POST } = await import("@/app/api/stripe/webhook/route");
  app = await startWebhookReceiver(async ({ path: url, body, signature }, res) => {
    const answer = await POST(
      new Request(`${APP_URL}${url}`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": signature },
        body,
      }),
    );
    res.writeHead(answer.status).end(await answer.text());
  });
  client = standIn.sdk({ maxNetworkRetries: 0 });
});

const features = {
  invoice_history: { enabled: true },
  payment_method_update: { enabled: true },
  subscription_cancel: { enabled: true },
  subscription_update: {
    enabled: true,
    default_allowed_updates: ["price" as const],
    products: [
      { product: "prod_pro", prices: ["price_pro_monthly"] },
      { product: "prod_business", prices: ["price_business_monthly"] },
    ],
  },
};

afterAll(async () => {
  await app?.close();
  await stack?.cleanup();
});

// Each test starts from the stand-in as started (its endpoint for APP_URL, the dashboard default,
// no events) plus two configurations made through the API.
beforeEach(async () => {
  await control.resetToStart();
  await control.resolve(new URL(APP_URL).host, app.origin);
  fullConfiguration = (await client.billingPortal.configurations.create({ features })).id;
  noInvoicesConfiguration = (
    await client.billingPortal.configurations.create({ features: { ...features, invoice_history: { enabled: false } } })
  ).id;
  await control.reset();
  await sql`truncate public.stripe_events, public.billing_subscriptions`;
  await sql`update public.companies set stripe_customer_id = 'cus_UmbrellaGone001' where id = ${UMBRELLA}`;
});

type Report = { ok: boolean; checks: { id: string; status: string; summary: string; fix?: string }[] };

/** One doctor run in this process, with the stack's environment plus `overrides` (undefined unsets). */
async function doctor(overrides: Record<string, string | undefined> = {}): Promise<Report> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(overrides))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  vi.resetModules(); // lib/env.ts and lib/stripe.ts memoize: start from this environment
  const { runDoctor } = await import("@/lib/billing/doctor/run");
  const { DOCTOR_CHECKS } = await import("@/lib/billing/doctor/checks");
  const { doctorContext } = await import("@/lib/billing/doctor/context");
  const { db } = await import("@/lib/db");
  try {
    return await runDoctor(DOCTOR_CHECKS, doctorContext(path.join(ROOT, "supabase", "migrations")));
  } finally {
    await db().end();
    process.env = saved;
  }
}
const check = (report: Report, id: string) => report.checks.find((c) => c.id === id)!;
const healthy = async () => {
  await sql`update public.companies set stripe_customer_id = null where id = ${UMBRELLA}`;
  await sql`insert into public.stripe_events (id, type, stripe_created_at, outcome) values ('evt_doctor', 'invoice.paid', now(), 'applied')
            on conflict (id) do nothing`;
  return { STRIPE_PORTAL_CONFIG_ID: fullConfiguration };
};

test("a healthy install passes every check, at 1 + N customers + 2 Stripe calls", async () => {
  const report = await doctor(await healthy());
  const statuses = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
  expect(statuses).toEqual({
    migrations: "pass",
    "stripe-key": "pass",
    "stripe-mode": "pass",
    "portal-configuration": "pass",
    "webhook-endpoint": "pass",
    "webhook-deliveries": "pass",
    "events-arrived": "pass",
    customers: "pass",
    "jwt-signing-keys": "pass",
  });
  expect(check(report, "stripe-key").summary).toBe("Stripe accepts it (test mode)");
  expect(check(report, "webhook-endpoint").summary).toMatch(
    new RegExp(`^we_\\w+ for ${ENDPOINT_URL} is enabled and subscribed to the \\d+ event types the app handles$`),
  );
  expect(check(report, "jwt-signing-keys").summary).toMatch(/^asymmetric \(ES256\)/);
  expect(await control.calls()).toEqual({
    "GET /v1/billing_portal/configurations/:id": 1,
    "GET /v1/customers/:id": 2,
    "GET /v1/webhook_endpoints": 1,
    "GET /v1/events": 1,
  });
});

test("the dashboard default configuration, as the demo saves it, passes", async () => {
  const c = check(await doctor(), "portal-configuration");
  expect(c).toMatchObject({
    status: "pass",
    summary: expect.stringMatching(/^the default configuration bpc_\w+ is active/),
  });
});

describe("each check, broken, names its fix", () => {
  test("migrations: one not applied", async () => {
    const [row] =
      await sql`delete from supabase_migrations.schema_migrations where version = '20261126000400' returning *`;
    try {
      const c = check(await doctor(await healthy()), "migrations");
      expect(c).toMatchObject({
        status: "fail",
        summary: expect.stringContaining("20261126000400_billing_sync_state.sql"),
      });
      expect(c.fix).toContain("supabase db push");
    } finally {
      await sql`insert into supabase_migrations.schema_migrations ${sql(row!)}`;
    }
  });

  test("the database unreachable: named, with DATABASE_URL as the fix; what needs it is skipped", async () => {
    const report = await doctor({
      ...(await healthy()),
      DATABASE_URL: `postgres://postgres:pw@127.0.0.1:${await freePort()}/app`,
    });
    expect(check(report, "migrations")).toMatchObject({ status: "fail", fix: expect.stringContaining("DATABASE_URL") });
    expect(check(report, "migrations").summary).not.toContain("pw@");
    expect(check(report, "customers")).toMatchObject({ status: "skip", summary: "needs: Database migrations" });
  });

  test.each([
    [401, "Stripe refused STRIPE_SECRET_KEY", "Developers → API keys"],
    [403, "the restricted key may not", "Customer portal: Write"],
  ])("the Stripe key refused (%i): the fix, and every Stripe check skipped", async (status, summary, fix) => {
    await control.fault({ path: "/v1/billing_portal/configurations/:id", mode: "status", status });
    const report = await doctor(await healthy());
    expect(check(report, "stripe-key")).toMatchObject({ status: "fail", summary: expect.stringContaining(summary) });
    expect(check(report, "stripe-key").fix).toContain(fix);
    for (const id of ["stripe-mode", "portal-configuration", "webhook-endpoint", "customers"])
      expect(check(report, id)).toMatchObject({ status: "skip", summary: expect.stringContaining("Stripe key") });
  });

  test("portal: the default configuration saved without Change plan (configurations.update)", async () => {
    const [saved] = (await client.billingPortal.configurations.list({ is_default: true })).data;
    await client.billingPortal.configurations.update(saved!.id, {
      features: { subscription_update: { enabled: false } },
    });
    const c = check(await doctor({ STRIPE_PORTAL_CONFIG_ID: undefined }), "portal-configuration");
    expect(c.status).toBe("fail");
    expect(c.summary).toContain('"Change plan" needs subscription_update enabled');
    expect(c.summary).not.toMatch(/subscription_cancel|payment_method_update|invoice_history/);
    expect(c.fix).toContain("Dashboard → Settings → Billing → Customer portal");
  });

  test("portal: never saved (no default configuration)", async () => {
    await control.config({ defaultConfiguration: false });
    const c = check(await doctor(), "portal-configuration");
    expect(c).toMatchObject({ status: "fail", summary: expect.stringContaining("never saved") });
    expect(c.fix).toContain("press Save");
  });

  test("portal: STRIPE_PORTAL_CONFIG_ID unknown, or one saved without the invoice list", async () => {
    const unknown = check(
      await doctor({ STRIPE_PORTAL_CONFIG_ID: "bpc_DoesNotExist0000000000" }),
      "portal-configuration",
    );
    expect(unknown).toMatchObject({ status: "fail", summary: expect.stringContaining("which Stripe doesn't have") });
    expect(unknown.fix).toContain("STRIPE_PORTAL_CONFIG_ID");
    const bare = check(await doctor({ STRIPE_PORTAL_CONFIG_ID: noInvoicesConfiguration }), "portal-configuration");
    expect(bare).toMatchObject({
      status: "fail",
      summary: `STRIPE_PORTAL_CONFIG_ID's configuration ${noInvoicesConfiguration}: the invoice list needs invoice_history enabled`,
    });
    expect(bare.fix).toContain(noInvoicesConfiguration);
  });

  test("webhook endpoint: no STRIPE_WEBHOOK_SECRET", async () => {
    const c = check(await doctor({ ...(await healthy()), STRIPE_WEBHOOK_SECRET: undefined }), "webhook-endpoint");
    expect(c).toMatchObject({ status: "fail", summary: expect.stringContaining("STRIPE_WEBHOOK_SECRET is not set") });
    expect(c.fix).toContain("stripe listen");
  });

  test("webhook endpoint: none for APP_URL, deployed (a failure with the command to make it) or local (stripe listen)", async () => {
    const other = "https://elsewhere.example.com";
    const missing = check(await doctor({ ...(await healthy()), APP_URL: other }), "webhook-endpoint");
    expect(missing).toMatchObject({
      status: "fail",
      summary: `Stripe has no webhook endpoint for ${other}/api/stripe/webhook, so the billing page never hears of changes`,
    });
    expect(missing.fix).toContain(`stripe webhook_endpoints create --url ${other}/api/stripe/webhook`);
    expect(missing.fix).toContain('-d "enabled_events[]=invoice.paid"');
    const local = check(await doctor({ ...(await healthy()), APP_URL: "http://localhost:3000" }), "webhook-endpoint");
    expect(local).toMatchObject({ status: "warn" });
    expect(local.fix).toContain("stripe listen --forward-to http://localhost:3000/api/stripe/webhook");
  });

  test("webhook endpoint: disabled through the API", async () => {
    const { id } = await control.webhookEndpoint();
    await client.webhookEndpoints.update(id!, { disabled: true });
    const c = check(await doctor(await healthy()), "webhook-endpoint");
    expect(c).toMatchObject({ status: "fail", summary: `${id} for ${ENDPOINT_URL}: it is disabled` });
    expect(c.fix).toContain(`Dashboard → Developers → Webhooks → ${id}: enable it`);
  });

  test("webhook endpoint: an event type the app handles missing; * counts as all", async () => {
    const { id } = await control.webhookEndpoint();
    const without = LOCAL_WEBHOOK_EVENTS.filter((t) => t !== "invoice.paid");
    await client.webhookEndpoints.update(id!, {
      enabled_events: without as Stripe.WebhookEndpointUpdateParams.EnabledEvent[],
    });
    const c = check(await doctor(await healthy()), "webhook-endpoint");
    expect(c).toMatchObject({
      status: "fail",
      summary: `${id} for ${ENDPOINT_URL}: it is not subscribed to invoice.paid`,
    });
    expect(c.fix).toContain("select the events");
    await client.webhookEndpoints.update(id!, { enabled_events: ["*"] });
    expect(check(await doctor(await healthy()), "webhook-endpoint").status).toBe("pass");
  });

  test("webhook endpoint: the only enabled one sends events in another API version", async () => {
    const { id } = await control.webhookEndpoint();
    await client.webhookEndpoints.update(id!, { disabled: true });
    const versioned = await client.webhookEndpoints.create({
      url: ENDPOINT_URL,
      enabled_events: ["*"],
      api_version: "2025-03-31.basil",
    });
    const c = check(await doctor(await healthy()), "webhook-endpoint");
    expect(c).toMatchObject({
      status: "fail",
      summary: `${versioned.id} for ${ENDPOINT_URL}: it sends events in API version 2025-03-31.basil, the app reads 2026-10-28.endive`,
    });
    expect(c.fix).toContain("An endpoint's API version can't be changed: create a new one");
  });

  test("webhook deliveries: a STRIPE_WEBHOOK_SECRET that isn't the endpoint's; the fix names the signing secret", async () => {
    // The endpoint's secret was rolled in the Dashboard; the app still has the old one.
    await control.webhook({
      url: ENDPOINT_URL,
      secret: "whsec_rolled_in_the_dashboard",
      enabledEvents: LOCAL_WEBHOOK_EVENTS,
    });
    await control.simulate("cus_AcmeDemo000001", "set_metadata", { metadata: { probe: "1" } });
    await control.flush(); // every attempt refused by the app's route: 400
    const [lost] = (await client.events.list({ delivery_success: false })).data;
    expect(lost?.type).toBe("customer.updated");
    // Stripe would still be retrying it for a few minutes; the check looks at older ones only.
    const fresh = check(await doctor(await healthy()), "webhook-deliveries");
    expect(fresh.status).toBe("pass");
    await control.ageEvents(600);
    const c = check(await doctor(await healthy()), "webhook-deliveries");
    expect(c).toMatchObject({
      status: "fail",
      summary: expect.stringMatching(
        new RegExp(`^1 events of the last 3 days never reached the app \\(newest: customer.updated ${lost!.id}, `),
      ),
    });
    expect(c.fix).toContain(`STRIPE_WEBHOOK_SECRET that is not the signing secret of ${ENDPOINT_URL}`);
    expect(c.fix).toContain("Signing secret");
    expect(c.fix).toContain("npm run billing:reconcile");
    expect((await sql`select count(*)::int as n from public.stripe_events where id = ${lost!.id}`)[0]?.n).toBe(0);
  });

  test("events: none yet, then one; quiet for long while subscriptions are live", async () => {
    const none = check(await doctor(), "events-arrived");
    expect(none).toMatchObject({ status: "fail", summary: "no Stripe event has reached this app yet" });
    expect(none.fix).toContain(`stripe listen --forward-to ${ENDPOINT_URL}`);
    expect(none.fix).toContain("stripe trigger customer.subscription.updated");
    await sql`insert into public.stripe_events (id, type, stripe_created_at, outcome, received_at)
              values ('evt_old', 'invoice.paid', now() - interval '40 days', 'applied', now() - interval '40 days')`;
    await sql`insert into public.billing_subscriptions (stripe_subscription_id, company_id, status, stripe_created_at, stripe_event_at)
              values ('sub_live', '22222222-2222-4222-8222-000000000001', 'active', now(), now())`;
    const quiet = check(await doctor(), "events-arrived");
    expect(quiet).toMatchObject({ status: "warn", summary: expect.stringContaining("40 days ago") });
    expect(quiet.fix).toContain("npm run billing:reconcile");
  });

  test("customers: one deleted in Stripe, one Stripe never had; the fix relinks each by company id", async () => {
    await sql`update public.companies set stripe_customer_id = 'cus_NeverExisted01' where name = 'Initech'`;
    try {
      const c = check(await doctor(), "customers");
      expect(c.status).toBe("fail");
      expect(c.summary).toContain("Umbrella Ltd is linked to cus_UmbrellaGone001: deleted in Stripe");
      expect(c.summary).toContain("Initech is linked to cus_NeverExisted01: Stripe has no such customer");
      expect(c.fix).toContain(`where id = '${UMBRELLA}'`);
      expect(c.fix).toContain("npm run billing:sync");
    } finally {
      await sql`update public.companies set stripe_customer_id = null where name = 'Initech'`;
    }
  });

  test("JWT keys: a URL that serves no JWKS", async () => {
    const c = check(await doctor({ NEXT_PUBLIC_SUPABASE_URL: standIn.url }), "jwt-signing-keys");
    expect(c).toMatchObject({ status: "fail", summary: "the project's JWKS answered 401" });
    expect(c.fix).toContain("NEXT_PUBLIC_SUPABASE_URL");
  });
});

describe("npm run billing:doctor", () => {
  function run(args: string[], extra: Record<string, string | undefined>) {
    return new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          path.join(ROOT, "node_modules/tsx/dist/cli.mjs"),
          "--conditions=react-server",
          "scripts/billing-doctor.ts",
          ...args,
        ],
        { cwd: ROOT, env: { PATH: process.env.PATH, ...extra } as unknown as NodeJS.ProcessEnv },
      );
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.on("exit", (code) => resolve({ code, out }));
    });
  }

  test("--json for CI: every check with its status; exit 1 while one fails, 0 once all pass", async () => {
    // Umbrella's customer is deleted in Stripe, and no event has arrived yet.
    const { code, out } = await run(["--json"], env);
    expect(code).toBe(1);
    const report = JSON.parse(out) as Report;
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toEqual({
      id: "environment",
      title: "Environment",
      status: "pass",
      summary: "every variable is valid",
    });
    expect(report.checks.filter((c) => c.status === "fail").map((c) => c.id)).toEqual(["events-arrived", "customers"]);
    const fixed = await run(["--json"], { ...env, ...(await healthy()) });
    expect(fixed.code).toBe(0);
    expect((JSON.parse(fixed.out) as Report).checks.every((c) => c.status === "pass")).toBe(true);
  });

  test("a bad environment: the variable named, exit 1", async () => {
    const { code, out } = await run([], { ...env, STRIPE_SECRET_KEY: "pk_test_oops" });
    expect(code).toBe(1);
    expect(out).toContain("✗ Environment:");
    expect(out).toContain("STRIPE_SECRET_KEY must be a Stripe secret");
    expect(out).toContain("Fix: Set them in .env.local");
  });
});
