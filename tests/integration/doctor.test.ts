// npm run billing:doctor against a real PostgreSQL and the Auth and Stripe stand-ins. Each check
// is broken the way a new install breaks it, and must name the fix; Stripe calls are counted.
import { spawn } from "node:child_process";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { startAuthStandIn, type AuthStandIn } from "../../dev/auth/server.ts";
import { LOCAL_PUBLISHABLE_KEY } from "../../dev/local-stack.ts";
import { migrate } from "../../dev/migrate.ts";
import { startEmbeddedPostgres, type RunningPostgres } from "../../dev/postgres.ts";
import { startStripeStandIn, type StripeStandIn } from "../../dev/stripe/server.ts";
import { freePort } from "./free-port.ts";
import { sdkFor, stripeControl } from "./stripe-stand-in.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const UMBRELLA = "22222222-2222-4222-8222-000000000004";
const KEY = "sk_test_doctor_checks";

let pg: RunningPostgres;
let auth: AuthStandIn;
let standIn: StripeStandIn;
let control: ReturnType<typeof stripeControl>;
let sql: postgres.Sql;
let env: Record<string, string>;
let fullConfiguration: string;
let noProductsConfiguration: string;

beforeAll(async () => {
  pg = await startEmbeddedPostgres({ port: await freePort() });
  await migrate(pg.url, { seed: true });
  auth = await startAuthStandIn({ port: 0, databaseUrl: pg.url, anonKey: LOCAL_PUBLISHABLE_KEY });
  standIn = await startStripeStandIn({
    port: 0,
    apiKey: KEY,
    seed: {
      customers: [
        { id: "cus_AcmeDemo000001", name: "Acme Inc", subscription: { price: "price_pro_monthly" } },
        { id: "cus_GlobexDemo0001", name: "Globex Corp", subscription: { price: "price_starter_monthly" } },
        { id: "cus_UmbrellaGone001", name: "Umbrella Ltd", deleted: true },
      ],
    },
  });
  control = stripeControl(standIn.url);
  sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  env = {
    DATABASE_URL: pg.url,
    NEXT_PUBLIC_SUPABASE_URL: auth.url,
    NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: LOCAL_PUBLISHABLE_KEY,
    STRIPE_SECRET_KEY: KEY,
    STRIPE_API_BASE: standIn.url,
    STRIPE_WEBHOOK_SECRET: "whsec_doctor_checks",
    STRIPE_MAX_NETWORK_RETRIES: "0",
    APP_URL: "http://localhost:3000",
  };
  const client = sdkFor(standIn.url, KEY);
  const features = {
    invoice_history: { enabled: true },
    payment_method_update: { enabled: true },
    subscription_cancel: { enabled: true },
  };
  fullConfiguration = (
    await client.billingPortal.configurations.create({
      features: {
        ...features,
        subscription_update: {
          enabled: true,
          default_allowed_updates: ["price"],
          products: [
            { product: "prod_pro", prices: ["price_pro_monthly"] },
            { product: "prod_business", prices: ["price_business_monthly"] },
          ],
        },
      },
    })
  ).id;
  noProductsConfiguration = (
    await client.billingPortal.configurations.create({
      features: { ...features, subscription_update: { enabled: true, default_allowed_updates: ["price"] } },
    })
  ).id;
});

afterAll(async () => {
  await sql?.end();
  await standIn?.close();
  await auth?.close();
  await pg?.stop();
});

beforeEach(async () => {
  await control.reset();
  await control.config({ defaultConfiguration: true });
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
  await sql`insert into public.stripe_events (id, type, stripe_created_at, outcome) values ('evt_doctor', 'invoice.paid', now(), 'applied')`;
  return { STRIPE_PORTAL_CONFIG_ID: fullConfiguration };
};

test("a healthy install passes every check the stand-in can answer, at 1 + N customers + 2 Stripe calls", async () => {
  const report = await doctor(await healthy());
  const statuses = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
  expect(statuses).toEqual({
    migrations: "pass",
    "stripe-key": "pass",
    "stripe-mode": "pass",
    "portal-configuration": "pass",
    // The stand-in serves no webhook endpoints and ignores delivery_success yet: the follow-up task.
    "webhook-endpoint": "fail",
    "webhook-deliveries": expect.any(String),
    "events-arrived": "pass",
    customers: "pass",
    "jwt-signing-keys": "pass",
  });
  expect(check(report, "stripe-key").summary).toBe("Stripe accepts it (test mode)");
  expect(check(report, "jwt-signing-keys").summary).toMatch(/^asymmetric \(ES256\)/);
  expect(await control.calls()).toEqual({
    "GET /v1/billing_portal/configurations/:id": 1,
    "GET /v1/customers/:id": 2,
    "GET /v1/webhook_endpoints": 1,
    "GET /v1/events": 1,
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

  test("portal: the default configuration doesn't offer Change plan", async () => {
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

  test("portal: STRIPE_PORTAL_CONFIG_ID unknown, or without products to switch between", async () => {
    const unknown = check(
      await doctor({ STRIPE_PORTAL_CONFIG_ID: "bpc_DoesNotExist0000000000" }),
      "portal-configuration",
    );
    expect(unknown).toMatchObject({ status: "fail", summary: expect.stringContaining("which Stripe doesn't have") });
    expect(unknown.fix).toContain("STRIPE_PORTAL_CONFIG_ID");
    const bare = check(await doctor({ STRIPE_PORTAL_CONFIG_ID: noProductsConfiguration }), "portal-configuration");
    expect(bare).toMatchObject({ status: "fail", summary: expect.stringContaining("list the products") });
    expect(bare.fix).toContain(noProductsConfiguration);
  });

  test("webhook endpoint: no STRIPE_WEBHOOK_SECRET", async () => {
    const c = check(await doctor({ ...(await healthy()), STRIPE_WEBHOOK_SECRET: undefined }), "webhook-endpoint");
    expect(c).toMatchObject({ status: "fail", summary: expect.stringContaining("STRIPE_WEBHOOK_SECRET is not set") });
    expect(c.fix).toContain("stripe listen");
  });

  test.todo(
    "webhook endpoint: missing for APP_URL, disabled, not subscribed to an event type the app handles, another API version " +
      "(needs the stand-in's webhook endpoints, list and create: the follow-up task)",
  );
  test.todo(
    "webhook deliveries: a wrong STRIPE_WEBHOOK_SECRET leaves events undelivered, and the fix names the signing secret " +
      "(needs the stand-in's events.list delivery_success and failed deliveries: the follow-up task)",
  );

  test("events: none yet, then one; quiet for long while subscriptions are live", async () => {
    const none = check(await doctor(), "events-arrived");
    expect(none).toMatchObject({ status: "fail", summary: "no Stripe event has reached this app yet" });
    expect(none.fix).toContain("stripe listen --forward-to http://localhost:3000/api/stripe/webhook");
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

  test("--json for CI: every check with its status, and exit 1 while one fails", async () => {
    const { code, out } = await run(["--json"], { ...env, ...(await healthy()) });
    expect(code).toBe(1);
    const report = JSON.parse(out) as Report;
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toEqual({
      id: "environment",
      title: "Environment",
      status: "pass",
      summary: "every variable is valid",
    });
    expect(report.checks.map((c) => c.id)).toContain("jwt-signing-keys");
  });

  test("a bad environment: the variable named, exit 1", async () => {
    const { code, out } = await run([], { ...env, STRIPE_SECRET_KEY: "pk_test_oops" });
    expect(code).toBe(1);
    expect(out).toContain("✗ Environment:");
    expect(out).toContain("STRIPE_SECRET_KEY must be a Stripe secret");
    expect(out).toContain("Fix: Set them in .env.local");
  });
});
