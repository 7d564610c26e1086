// Transactions (webhook events, sync, reconcile) against a real PostgreSQL 17 behind
// dev/fault-proxy.ts: a database that refuses or hangs makes POST /api/stripe/webhook answer 503
// database_unavailable within DATABASE_TIMEOUT_MS (Stripe retries it; never a 500), Stripe's
// retry is applied once the database is back, statements are cancelled by the server, and a
// transaction the client gave up on does not stay open on the server.
import type postgres from "postgres";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { FaultProxy } from "../../dev/fault-proxy.ts";
import { deliverSigned, proSubscription, stripeEvent } from "./signed-events.ts";
import { startTestStack, type TestStack } from "./stack.ts";
import { acmeCustomer } from "./stripe-seed.ts";

const ACME = "22222222-2222-4222-8222-000000000001";
const ACME_CUSTOMER = "cus_AcmeDemo000001";
const SECRET = "whsec_transaction_outages";
const DB_TIMEOUT_MS = 1000;

let stack: TestStack<{ proxy: "fault"; stripe: true }>;
let proxy: FaultProxy;
let sql: postgres.Sql;
let lib: {
  db: typeof import("@/lib/db");
  sync: typeof import("@/lib/billing/sync");
  reconcile: typeof import("@/lib/billing/reconcile");
  UnavailableError: typeof import("@/lib/billing/errors").UnavailableError;
};

beforeAll(async () => {
  stack = await startTestStack({
    proxy: "fault",
    stripe: { seed: { customers: [acmeCustomer] } },
    env: {
      DATABASE_TIMEOUT_MS: String(DB_TIMEOUT_MS),
      STRIPE_WEBHOOK_SECRET: SECRET,
      STRIPE_MAX_NETWORK_RETRIES: "0",
    },
  });
  ({ sql, proxy } = stack);
  lib = {
    db: await import("@/lib/db"),
    sync: await import("@/lib/billing/sync"),
    reconcile: await import("@/lib/billing/reconcile"),
    UnavailableError: (await import("@/lib/billing/errors")).UnavailableError,
  };
  await import("@/app/api/stripe/webhook/route"); // loaded before any delivery below is timed
});

afterAll(() => stack?.cleanup());

beforeEach(async () => {
  await proxy.set("pass");
  await sql`truncate public.stripe_events, public.billing_subscriptions`;
});

/** A signed customer.subscription.updated for Acme, and the request that delivers it (again). */
function subscriptionEvent(status: string, secondsAgo = 0) {
  const now = Math.floor(Date.now() / 1000) - secondsAgo;
  const event = stripeEvent(
    "customer.subscription.updated",
    proSubscription(
      { id: "sub_outage", itemId: "si_outage" },
      { created: now - 86_400, periodEnd: now + 86_400 * 20 },
      { status },
    ),
    now,
  );
  return async () => {
    const started = performance.now();
    const answer = await deliverSigned(event, SECRET);
    return { ms: performance.now() - started, ...answer };
  };
}

const recorded = async () =>
  (
    await sql<{ status: string; events: number }[]>`
    select (select status from public.billing_subscriptions where stripe_subscription_id = 'sub_outage') as status,
           (select count(*)::int from public.stripe_events) as events`
  )[0];

async function rejection(work: () => Promise<unknown>) {
  const started = performance.now();
  const error = await work().then(
    () => null,
    (e: unknown) => e,
  );
  return { ms: performance.now() - started, error };
}

describe("POST /api/stripe/webhook while the database is away", () => {
  test("refused: 503 database_unavailable at once, nothing written; Stripe's retry is applied once it is back", async () => {
    const deliver = subscriptionEvent("past_due");
    await proxy.set("refuse");
    const down = await deliver();
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ code: "database_unavailable", error: expect.any(String) });
    expect(down.headers.get("retry-after")).toBe("30");
    expect(down.ms).toBeLessThan(DB_TIMEOUT_MS);
    await proxy.set("pass");
    expect(await recorded()).toEqual({ status: null, events: 0 });
    const retry = await deliver();
    expect(retry).toMatchObject({ status: 200, body: { received: true, outcome: "applied" } });
    expect(await recorded()).toEqual({ status: "past_due", events: 1 });
    console.log(`[measured] webhook, database refused: 503 in ${Math.round(down.ms)} ms`);
  });

  test("hung with the pool's connections open: 503 within the timeout; the retry lands once", async () => {
    await subscriptionEvent("active", 60)(); // the pool holds an open connection
    const deliver = subscriptionEvent("past_due");
    await proxy.set("hang");
    const down = await deliver();
    expect(down).toMatchObject({ status: 503, body: { code: "database_unavailable" } });
    expect(down.ms).toBeGreaterThanOrEqual(DB_TIMEOUT_MS - 50);
    expect(down.ms).toBeLessThan(DB_TIMEOUT_MS + 500);
    await proxy.set("pass");
    const retry = await deliver();
    expect(retry.status).toBe(200);
    // The held attempt was abandoned with its connection, so the retry is the one that applies.
    expect(retry.body.outcome).toBe("applied");
    expect(await recorded()).toEqual({ status: "past_due", events: 2 });
    console.log(`[measured] webhook, database hung: 503 in ${Math.round(down.ms)} ms`);
  });
});

describe("transaction()", () => {
  test("a statement slower than the timeout is cancelled by the server (57014), and the pool stays usable", async () => {
    const slow = await rejection(() => lib.db.transaction((tx) => tx`select pg_sleep(5)`));
    expect(slow.error).toBeInstanceOf(lib.UnavailableError);
    expect(((slow.error as Error).cause as { code?: string }).code).toBe("57014");
    expect(slow.ms).toBeLessThan(DB_TIMEOUT_MS);
    expect(await lib.db.transaction(async (tx) => (await tx`select 1 as one`)[0]?.one)).toBe(1);
  });

  test("the client waits no longer than the timeout, and the server does not keep the transaction open", async () => {
    // Shorter than DATABASE_TIMEOUT_MS, so the pool keeps its connections: only the server ends it.
    const timeoutMs = 800;
    const stalled = await rejection(() =>
      lib.db.transaction(async (tx) => {
        await tx`select 1`;
        await new Promise((r) => setTimeout(r, 10 * timeoutMs)); // a client that went quiet mid-transaction
      }, timeoutMs),
    );
    expect(stalled.error).toBeInstanceOf(lib.UnavailableError);
    expect(stalled.ms).toBeLessThan(timeoutMs + 200);
    // idle_in_transaction_session_timeout ends it on the server's side, locks and all.
    let open = 1;
    for (let i = 0; i < 10 && open > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      [{ open = 0 } = {}] = await sql<{ open: number }[]>`
        select count(*)::int as open from pg_stat_activity where state like 'idle in transaction%'`;
    }
    expect(open).toBe(0);
  });

  test("a bug is not an outage: it throws as itself", async () => {
    await expect(lib.db.transaction((tx) => tx`select 1/0`)).rejects.toThrow(/division by zero/);
  });
});

describe("sync and reconcile while the database hangs", () => {
  test("syncCompanyBilling: database_unavailable within the timeout; reconcile reports the company failed with it", async () => {
    await lib.sync.syncCompanyBilling(ACME, ACME_CUSTOMER); // warm: an open connection
    await proxy.set("hang");
    const sync = await rejection(() => lib.sync.syncCompanyBilling(ACME, ACME_CUSTOMER));
    expect(sync.error).toBeInstanceOf(lib.UnavailableError);
    expect((sync.error as InstanceType<typeof lib.UnavailableError>).code).toBe("database_unavailable");
    expect(sync.ms).toBeLessThan(DB_TIMEOUT_MS + 1000); // Stripe's calls, then the bounded transaction
    await proxy.set("pass");
    await sql`update public.billing_customers set synced_at = now() - interval '2 days'`;
    await proxy.set("hang");
    // The stale list itself needs the database: the run fails as a whole, with the outage's code.
    const run = await rejection(() => lib.reconcile.reconcileBilling({ staleAfterMinutes: 60, replay: false }));
    expect(lib.reconcile.codeOf(run.error)).toBe("database_unavailable");
    console.log(`[measured] sync, database hung: database_unavailable in ${Math.round(sync.ms)} ms`);
  });
});
