// lib/db.ts and the portal audit against a real PostgreSQL 17 behind dev/fault-proxy.ts: a
// database that refuses, hangs or blips gives database_unavailable within DATABASE_TIMEOUT_MS,
// the app is back as soon as the database is, and no audit row is lost to a blip.
import type postgres from "postgres";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { FaultProxy } from "../../dev/fault-proxy.ts";
import { claimsFor, signInAll } from "./signed-in-claims.ts";
import { startTestStack, type TestStack } from "./stack.ts";

const ACME = "22222222-2222-4222-8222-000000000001";
const OWNER = "11111111-1111-4111-8111-000000000001";
const DB_TIMEOUT_MS = 1000;
const claims = claimsFor(OWNER);

let stack: TestStack<{ proxy: "fault" }>;
let proxy: FaultProxy;
let sql: postgres.Sql;
let lib: {
  db: typeof import("@/lib/db");
  queries: typeof import("@/lib/billing/queries");
  audit: typeof import("@/lib/billing/audit");
  UnavailableError: typeof import("@/lib/billing/errors").UnavailableError;
};

beforeAll(async () => {
  stack = await startTestStack({ proxy: "fault", env: { DATABASE_TIMEOUT_MS: String(DB_TIMEOUT_MS) } });
  ({ sql, proxy } = stack);
  lib = {
    db: await import("@/lib/db"),
    queries: await import("@/lib/billing/queries"),
    audit: await import("@/lib/billing/audit"),
    UnavailableError: (await import("@/lib/billing/errors")).UnavailableError,
  };
  await signInAll(sql, [OWNER]);
});

afterAll(() => stack?.cleanup());

beforeEach(async () => {
  await proxy.set("pass");
  await sql`delete from private.portal_session_grants`;
});

const access = (consume = false, attempt?: { id: string; flow: string | null; userAgent: string | null }) =>
  lib.queries.beginPortalSession(claims, ACME, { limit: 100, consume, attempt });

/** Milliseconds until `work` settled, and how. */
async function timed<T>(work: () => Promise<T>) {
  const t = performance.now();
  const settled = await work().then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { ms: performance.now() - t, ...settled };
}

function expectUnavailable(r: Awaited<ReturnType<typeof timed>>) {
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.error).toBeInstanceOf(lib.UnavailableError);
  expect((r.error as InstanceType<typeof lib.UnavailableError>).code).toBe("database_unavailable");
}

describe("a database that is down, hung or slow", () => {
  test("refused: database_unavailable at once, and back as soon as the database is", async () => {
    await access(); // the pool holds an open connection
    await proxy.set("refuse");
    const r = await timed(() => access());
    expectUnavailable(r);
    expect(r.ms).toBeLessThan(DB_TIMEOUT_MS);
    await proxy.set("pass");
    const back = await timed(() => access());
    expect(back.ok).toBe(true);
    console.log(`[measured] db refused: answer in ${Math.round(r.ms)} ms; recovered in ${Math.round(back.ms)} ms`);
  });

  test("hung with the pool's connections open: database_unavailable within the timeout, then fresh connections", async () => {
    await access();
    await proxy.set("hang");
    const r = await timed(() => access());
    expectUnavailable(r);
    expect(r.ms).toBeGreaterThanOrEqual(DB_TIMEOUT_MS - 50);
    expect(r.ms).toBeLessThan(DB_TIMEOUT_MS + 500);
    // New connections hang too (TCP accepted, no answer): connect_timeout ends them.
    const again = await timed(() => access());
    expectUnavailable(again);
    expect(again.ms).toBeLessThan(DB_TIMEOUT_MS + 500);
    await proxy.set("pass");
    const back = await timed(() => access());
    expect(back.ok).toBe(true);
    console.log(
      `[measured] db hung: answers in ${Math.round(r.ms)} and ${Math.round(again.ms)} ms; recovered in ${Math.round(back.ms)} ms`,
    );
  });

  test("a statement slower than the timeout is cancelled by the server, and the connection stays usable", async () => {
    const r = await timed(() => lib.db.asUser(claims, "select pg_sleep(5)"));
    expectUnavailable(r);
    expect(((r as { error: Error }).error.cause as { code?: string }).code).toBe("57014");
    expect(r.ms).toBeLessThan(DB_TIMEOUT_MS);
    expect((await timed(() => access())).ok).toBe(true);
  });

  test("a bug is not an outage: it still throws as itself", async () => {
    await expect(lib.db.asUser(claims, "select 1/0")).rejects.toThrow(/division by zero/);
  });
});

describe("the portal audit", () => {
  const attempt = (over: Partial<import("@/lib/billing/audit").PortalAttempt> = {}) => ({
    attemptId: crypto.randomUUID(),
    userId: OWNER,
    companyId: ACME,
    outcome: "ok",
    flow: null,
    userAgent: "Mozilla/5.0 (X11; Linux x86_64)\u0000",
    ...over,
  });
  const rowsOf = (attemptId: string) =>
    sql<{ outcome: string; attempts: number; user_agent: string }[]>`
      select outcome, attempts, user_agent from public.portal_audit where attempt_id = ${attemptId}`;

  test("a click that takes a slot is recorded in its own round trip, then completed after the response", async () => {
    const id = crypto.randomUUID();
    await access(true, { id, flow: "payment_method_update", userAgent: "Mozilla/5.0 (X11; Linux x86_64)" });
    expect(await rowsOf(id)).toEqual([
      { outcome: "started", attempts: 1, user_agent: "Mozilla/5.0 (X11; Linux x86_64)" },
    ]);
    expect(await lib.audit.recordPortalAttempt(attempt({ attemptId: id }))).toBe(true);
    expect((await rowsOf(id))[0]?.outcome).toBe("ok");
  });

  test("the database away for 5 s right after a click: the row is completed once it is back", async () => {
    const id = crypto.randomUUID();
    await access(true, { id, flow: null, userAgent: null });
    await proxy.set("refuse");
    const recording = timed(() => lib.audit.recordPortalAttempt(attempt({ attemptId: id })));
    await new Promise((r) => setTimeout(r, 5000));
    await proxy.set("pass");
    const r = await recording;
    expect(r).toMatchObject({ ok: true, value: true });
    expect((await rowsOf(id))[0]?.outcome).toBe("ok");
    console.log(`[measured] audit through a 5 s outage: recorded ${Math.round(r.ms)} ms after the click`);
  });

  test("a hung database for 3 s after a refusal: the refusal is still counted", async () => {
    const refused = attempt({ userId: null, companyId: null, outcome: "unauthenticated" });
    const before = await countOf(null, "unauthenticated");
    await proxy.set("hang");
    const recording = lib.audit.recordPortalAttempt(refused);
    await new Promise((r) => setTimeout(r, 3000));
    await proxy.set("pass");
    expect(await recording).toBe(true);
    // At least once: the statement the stalled database held runs when it resumes, and the retry
    // runs too, so a stall can count one refusal twice; it never loses it.
    const after = await countOf(null, "unauthenticated");
    expect(after).toBeGreaterThanOrEqual(before + 1);
    expect(after).toBeLessThanOrEqual(before + 2);
  });

  test("anonymous and refused attempts are counted in one row per minute, not one row each", async () => {
    await sql`delete from public.portal_audit`;
    const flood = Array.from({ length: 50 }, () =>
      attempt({ userId: null, companyId: null, outcome: "unauthenticated" }),
    );
    const refusals = Array.from({ length: 20 }, () => attempt({ outcome: "rate_limited" }));
    await Promise.all([...flood, ...refusals].map((a) => lib.audit.recordPortalAttempt(a)));
    const rows = await sql<{ user_id: string | null; outcome: string; attempts: number }[]>`
      select user_id, outcome, sum(attempts)::int as attempts, count(*)::int as n from public.portal_audit
      group by user_id, outcome order by outcome`;
    expect(rows.map(({ outcome, attempts }) => ({ outcome, attempts }))).toEqual([
      { outcome: "rate_limited", attempts: 20 },
      { outcome: "unauthenticated", attempts: 50 },
    ]);
    // One row each, or two if the minute turned during the burst.
    const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from public.portal_audit`;
    expect(n).toBeLessThanOrEqual(4);
  });

  test("owners see counted refusals of their company in the audit list, latest first", async () => {
    await sql`delete from public.portal_audit`;
    for (let i = 0; i < 2; i++) await lib.audit.recordPortalAttempt(attempt({ outcome: "forbidden" }));
    const id = crypto.randomUUID();
    await access(true, { id, flow: null, userAgent: null });
    await lib.audit.recordPortalAttempt(attempt({ attemptId: id }));
    // A repeat moves the counted row up to its latest attempt.
    await lib.audit.recordPortalAttempt(attempt({ outcome: "forbidden" }));
    const [acme] = await lib.queries.companiesForUser(claims);
    expect(acme?.audit.map((a) => ({ outcome: a.outcome, attempts: a.attempts }))).toEqual([
      { outcome: "forbidden", attempts: 3 },
      { outcome: "ok", attempts: 1 },
    ]);
  });

  async function countOf(userId: string | null, outcome: string) {
    const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`
      select coalesce(sum(attempts), 0)::int as n from public.portal_audit
      where user_id is not distinct from ${userId} and outcome = ${outcome}`;
    return n;
  }
});
