// Reconcile against a real PostgreSQL and the Stripe stand-in: a company whose events were
// dropped is repaired, what changed is reported, fresh companies cost no Stripe call, and the
// cron route takes only Vercel's Authorization: Bearer <CRON_SECRET>.
import type postgres from "postgres";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { LOCAL_WEBHOOK_EVENTS } from "../../dev/local-stack.ts";
import type { StripeControl } from "../stand-ins/stripe-stand-in.ts";
import { startTestStack, type TestStack } from "./stack.ts";
import { acmeWithHistory, globexCustomer, umbrellaDeleted } from "./stripe-seed.ts";

const ACME = "22222222-2222-4222-8222-000000000001";
const GLOBEX = "22222222-2222-4222-8222-000000000002";
const CRON_SECRET = "cron_secret_for_integration_tests_0001";

let stack: TestStack<{ stripe: true }>;
let control: StripeControl;
let sql: postgres.Sql;
let reconcile: typeof import("@/lib/billing/reconcile");
let GET: (request: Request) => Promise<Response>;

beforeAll(async () => {
  stack = await startTestStack({
    stripe: {
      seed: { customers: [acmeWithHistory, globexCustomer, umbrellaDeleted] },
    },
    env: { STRIPE_MAX_NETWORK_RETRIES: "0", CRON_SECRET },
  });
  ({ sql } = stack);
  ({ control } = stack.stripe);
  reconcile = await import("@/lib/billing/reconcile");
  ({ GET } = await import("@/app/api/cron/reconcile/route"));
});

afterAll(() => stack?.cleanup());

beforeEach(() => control.reset());

/** As if nothing had been heard of every linked company for two days. */
const ageAll = () =>
  Promise.all([
    sql`update public.billing_customers set synced_at = now() - interval '2 days'`,
    sql`update public.billing_subscriptions set synced_at = now() - interval '2 days'`,
  ]);

describe("reconcileBilling", () => {
  test("first run: every linked company is read; deleted customers cost one call, live ones three", async () => {
    const report = await reconcile.reconcileBilling({ staleAfterMinutes: 1440, replay: false });
    expect(report.companies.map((c) => [c.name, c.outcome])).toEqual([
      ["Acme Inc", "changed"],
      ["Globex Corp", "changed"],
      ["Umbrella Ltd", "changed"],
    ]);
    expect(report.companies[2]!.changes).toContainEqual({
      field: "customer",
      before: "not read yet",
      after: "deleted in Stripe",
    });
    expect(await control.calls()).toEqual({
      "GET /v1/customers/:id": 3,
      "GET /v1/subscriptions": 2,
      "GET /v1/invoices": 2,
    });
  });

  test("companies read within the threshold are left alone: no Stripe call", async () => {
    const report = await reconcile.reconcileBilling({ staleAfterMinutes: 1440, replay: false });
    expect(report).toEqual({ replay: null, companies: [], deferred: 0 });
    expect(await control.calls()).toEqual({});
  });

  test("a company whose events were dropped is repaired, and the change is reported", async () => {
    await control.simulate("cus_AcmeDemo000001", "payment_failed"); // no webhook endpoint: nothing delivered
    await ageAll();
    await sql`update public.billing_subscriptions set synced_at = now() - interval '3 days' where company_id = ${ACME}`;
    await sql`update public.billing_customers set synced_at = now() - interval '3 days' where company_id = ${ACME}`;
    await control.reset();
    // One company a run: the longest unread goes first, the others wait for the next run.
    const report = await reconcile.reconcileBilling({ staleAfterMinutes: 1440, replay: false, maxCompanies: 1 });
    expect(report.deferred).toBe(2);
    const [acme] = report.companies;
    expect(acme).toMatchObject({ name: "Acme Inc", outcome: "changed" });
    expect(acme!.changes).toEqual(
      expect.arrayContaining([
        { field: "status", before: "active", after: "past_due" },
        { field: "invoices", before: "2", after: "3" },
      ]),
    );
    expect((await sql`select status from public.billing_subscriptions where company_id = ${ACME}`)[0]?.status).toBe(
      "past_due",
    );
    expect(await control.calls()).toEqual({
      "GET /v1/customers/:id": 1,
      "GET /v1/subscriptions": 1,
      "GET /v1/invoices": 1,
    });
  });

  describe("replaying what Stripe failed to deliver", () => {
    // The app's endpoint as Stripe has it; every delivery to it is lost on purpose (drop faults).
    const endpoint = {
      url: "https://billing.example.com/api/stripe/webhook",
      secret: "whsec_reconcile_tests",
      enabledEvents: LOCAL_WEBHOOK_EVENTS,
    };
    beforeEach(() => control.webhook(endpoint));
    // Stripe keeps listing an undelivered event for 30 days: a month later, the next test starts clean.
    afterEach(async () => {
      await control.clearWebhookFaults();
      await control.webhook({ url: null });
      await control.ageEvents(31 * 86_400);
    });
    const undelivered = (ids: string[]) => sql<{ id: string; outcome: string }[]>`
      select id, outcome from public.stripe_events where id = any(${ids}::text[]) order by received_at, id`;

    test("dropped events are applied through the webhook's path, oldest first, and Globex's page is right again", async () => {
      await reconcile.reconcileBilling({ staleAfterMinutes: 0, replay: false }); // every company freshly read
      await control.dropDeliveries(3);
      const { events } = (await control.simulate("cus_GlobexDemo0001", "payment_failed")) as {
        events: { id: string; type: string }[];
      };
      expect(events.map((e) => e.type)).toEqual([
        "invoice.finalized",
        "invoice.payment_failed",
        "customer.subscription.updated",
      ]);
      await control.flush();
      expect((await sql`select status from public.billing_subscriptions where company_id = ${GLOBEX}`)[0]?.status).toBe(
        "active",
      );
      await control.reset();
      const report = await reconcile.reconcileBilling({ staleAfterMinutes: 1440 });
      expect(report.replay).toMatchObject({ listed: 3, outcomes: { applied: 3 }, skipped: [] });
      // Nothing is stale: the repair is the replay's alone.
      expect(report.companies).toEqual([]);
      const ids = events.map((e) => e.id);
      expect((await undelivered(ids)).map((r) => r.id)).toEqual(ids);
      expect((await sql`select status from public.billing_subscriptions where company_id = ${GLOBEX}`)[0]?.status).toBe(
        "past_due",
      );
      const [invoice] = await sql`select status from public.billing_invoices where company_id = ${GLOBEX}
                                  order by stripe_created_at desc limit 1`;
      expect(invoice?.status).toBe("open");
      // One events.list; the same-second events may cost a read each (a tie settled by Stripe).
      const calls = await control.calls();
      expect(calls["GET /v1/events"]).toBe(1);
      // Stripe still lists them as undelivered: the next run finds them already applied.
      const again = await reconcile.reconcileBilling({ staleAfterMinutes: 1440 });
      expect(again.replay).toMatchObject({ listed: 3, outcomes: { duplicate: 3 } });
    });

    test("an event past Stripe's 30 days is not listed, so not replayed", async () => {
      await control.dropDeliveries(1);
      const { events } = (await control.simulate("cus_GlobexDemo0001", "set_metadata", {
        metadata: { probe: "old" },
      })) as { events: { id: string }[] };
      await control.flush();
      await control.ageEvents(31 * 86_400, [events[0]!.id]);
      const { replay } = await reconcile.reconcileBilling({ staleAfterMinutes: 1440 });
      expect(replay).toMatchObject({ listed: 0, outcomes: {} });
      expect(await undelivered([events[0]!.id])).toEqual([]);
    });
  });
});

describe("GET /api/cron/reconcile", () => {
  const call = (authorization?: string) =>
    GET(
      new Request("http://localhost/api/cron/reconcile", {
        headers: authorization === undefined ? {} : { authorization },
      }),
    );

  test.each([
    ["no Authorization", undefined],
    ["a wrong secret", "Bearer cron_secret_for_integration_tests_0002"],
    ["the secret without Bearer", CRON_SECRET],
    ["a prefix of the secret", `Bearer ${CRON_SECRET.slice(0, -1)}`],
  ])("%s: 401 unauthenticated, and nothing runs", async (_, authorization) => {
    const res = await call(authorization);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: "unauthenticated", error: expect.stringContaining("CRON_SECRET") });
    expect(await control.calls()).toEqual({});
  });

  test("Vercel's request runs it and answers the report", async () => {
    await ageAll();
    await control.reset();
    const res = await call(`Bearer ${CRON_SECRET}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { replay: { listed: number }; companies: { outcome: string }[] };
    // Every event reached its endpoint (or had none to go to): nothing to replay, each company is read again.
    expect(body.replay.listed).toBe(0);
    expect(body.companies.length).toBeGreaterThan(0);
    expect(body.companies.every((c) => c.outcome === "unchanged")).toBe(true);
    expect((await control.calls())["GET /v1/customers/:id"]).toBe(body.companies.length);
  });

  test("Stripe failing for a company: 503 stripe_unavailable, with the report", async () => {
    await ageAll();
    await control.fault({ path: "/v1/customers/:id", mode: "status", status: 500, count: 10 });
    const res = await call(`Bearer ${CRON_SECRET}`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { code: string; companies: { outcome: string; error?: string }[] };
    expect(body.code).toBe("stripe_unavailable");
    expect(body.companies.every((c) => c.outcome === "failed" && c.error === "stripe_unavailable")).toBe(true);
  });
});
