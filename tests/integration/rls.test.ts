// Row level security and lib/db.ts's asUser(), against a real PostgreSQL 17.
import type postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SessionEndedError } from "@/lib/auth/session-ended";
import type { RoundTripProxy } from "../../dev/roundtrip-proxy.ts";
import { claimsFor, signInAll } from "./signed-in-claims.ts";
import { startTestStack, type TestStack } from "./stack.ts";

const ACME = "22222222-2222-4222-8222-000000000001";
const GLOBEX = "22222222-2222-4222-8222-000000000002";
const users = {
  acmeOwner: "11111111-1111-4111-8111-000000000001",
  acmeMember: "11111111-1111-4111-8111-000000000004",
  globexOwner: "11111111-1111-4111-8111-000000000005",
  both: "11111111-1111-4111-8111-000000000006",
};

let stack: TestStack<{ proxy: "roundtrip" }>;
let proxy: RoundTripProxy;
let sql: postgres.Sql;
let lib: { asUser: typeof import("@/lib/db").asUser; queries: typeof import("@/lib/billing/queries") };

beforeAll(async () => {
  stack = await startTestStack({ proxy: "roundtrip" });
  ({ sql, proxy } = stack);
  lib = { asUser: (await import("@/lib/db")).asUser, queries: await import("@/lib/billing/queries") };
  await signInAll(sql, Object.values(users));
});

const access = (claims: ReturnType<typeof claimsFor>, company: string | undefined) =>
  lib.queries.beginPortalSession(claims, company, { limit: 10, consume: false });

afterAll(() => stack?.cleanup());

describe("row level security as role authenticated", () => {
  test("user A cannot read company B's row at all", async () => {
    const rows = await lib.asUser<{ id: string }>(claimsFor(users.acmeOwner), "select id from public.companies");
    expect(rows.map((r) => r.id)).toEqual([ACME]);
    const direct = await lib.asUser(
      claimsFor(users.acmeOwner),
      "select id from public.companies where id = current_setting('app.company_id')::uuid",
      { company_id: GLOBEX },
    );
    expect(direct).toHaveLength(0);
    const members = await lib.asUser<{ company_id: string }>(
      claimsFor(users.acmeOwner),
      "select distinct company_id from public.company_members",
    );
    expect(members.map((r) => r.company_id)).toEqual([ACME]);
  });

  test("B's owner sees B and not A", async () => {
    const rows = await lib.asUser<{ name: string }>(claimsFor(users.globexOwner), "select name from public.companies");
    expect(rows.map((r) => r.name)).toEqual(["Globex Corp"]);
  });

  test("the Stripe customer id is not selectable by authenticated, even for an owner", async () => {
    await expect(
      lib.asUser(claimsFor(users.acmeOwner), "select stripe_customer_id from public.companies"),
    ).rejects.toThrow(/permission denied/);
  });

  test("authenticated cannot write companies or memberships", async () => {
    await expect(
      lib.asUser(claimsFor(users.acmeMember), "update public.company_members set role = 'owner'"),
    ).rejects.toThrow(/permission denied/);
    const [row] = await sql`select role from public.company_members where user_id = ${users.acmeMember}`;
    expect(row?.role).toBe("member");
  });

  test("claims full of quotes and dollar signs are carried as text, not SQL", async () => {
    const hostile = {
      ...claimsFor(users.acmeOwner),
      user_metadata: { name: "'); drop table public.companies; --", tag: "$$ $v0$ $x$", back: "\\'" },
    };
    const rows = await lib.asUser<{ name: string; meta: unknown }>(
      hostile,
      "select (auth.jwt() -> 'user_metadata') as meta, (select name from public.companies) as name",
    );
    expect(rows[0]?.meta).toEqual(hostile.user_metadata);
    expect(rows[0]?.name).toBe("Acme Inc");
    const [count] = await sql`select count(*)::int as n from public.companies`;
    expect(count?.n).toBe(4);
  });

  test("a signed-in user of no company sees no company; a token naming someone else's session gets nothing", async () => {
    const loner = "00000000-0000-4000-8000-000000000000";
    await sql`insert into auth.users (id, email) values (${loner}, 'loner@example.test') on conflict do nothing`;
    await signInAll(sql, [loner]);
    expect(await lib.asUser(claimsFor(loner), "select id from public.companies")).toHaveLength(0);
    await expect(
      lib.asUser({ ...claimsFor(users.acmeOwner), sub: loner }, "select id from public.companies"),
    ).rejects.toBeInstanceOf(SessionEndedError);
  });
});

describe("portal access", () => {
  test("an owner gets the customer; a member of the same company does not", async () => {
    const [owner] = await access(claimsFor(users.acmeOwner), ACME);
    expect(owner).toMatchObject({
      companyId: ACME,
      role: "owner",
      stripeCustomerId: "cus_AcmeDemo000001",
      rateLimited: false,
    });
    const [member] = await access(claimsFor(users.acmeMember), ACME);
    expect(member).toMatchObject({ companyId: ACME, role: "member", stripeCustomerId: null });
  });

  test("asking for another company's id returns nothing", async () => {
    expect(await access(claimsFor(users.acmeOwner), GLOBEX)).toEqual([]);
  });

  test("a user of two companies gets both without a company id, each with its own customer", async () => {
    const rows = await access(claimsFor(users.both), undefined);
    expect(rows.map((r) => [r.companyName, r.role, r.stripeCustomerId])).toEqual([
      ["Acme Inc", "admin", "cus_AcmeDemo000001"],
      ["Globex Corp", "billing", "cus_GlobexDemo0001"],
    ]);
  });

  test("the billing page's query lists contacts only from the caller's companies", async () => {
    const companies = await lib.queries.companiesForUser(claimsFor(users.acmeMember));
    expect(companies).toHaveLength(1);
    expect(companies[0]?.contacts.map((c) => c.email).sort()).toEqual([
      "admin@acme.test",
      "billing@acme.test",
      "both@example.test",
      "owner@acme.test",
    ]);
    const leak = await lib.asUser(
      claimsFor(users.acmeMember),
      "select * from private.billing_contacts(current_setting('app.company_id')::uuid)",
      { company_id: GLOBEX },
    );
    expect(leak).toEqual([]);
  });

  test("one portal access check is one database round trip once the connection is open", async () => {
    await access(claimsFor(users.acmeOwner), ACME); // warm: connection open
    proxy.reset();
    await access(claimsFor(users.acmeOwner), ACME);
    expect(proxy.flights()).toBe(1);
  });

  test("a failed statement rolls back and leaves the pooled connection usable", async () => {
    await expect(lib.asUser(claimsFor(users.acmeOwner), "select 1/0")).rejects.toThrow(/division by zero/);
    const rows = await access(claimsFor(users.acmeOwner), ACME);
    expect(rows).toHaveLength(1);
  });
});

describe("portal rate limit, counted in Postgres", () => {
  const slots = (
    claims: ReturnType<typeof claimsFor>,
    limit: number,
    company: string | undefined = ACME,
    consume = true,
  ) => lib.queries.beginPortalSession(claims, company, { limit, consume });

  test("the eleventh session in a minute is refused with a retry time; others are unaffected", async () => {
    const owner = claimsFor(users.acmeOwner);
    for (let i = 0; i < 10; i++) expect((await slots(owner, 10))[0]?.rateLimited).toBe(false);
    const [eleventh] = await slots(owner, 10);
    expect(eleventh?.rateLimited).toBe(true);
    expect(eleventh?.retryAfterSeconds).toBeGreaterThan(0);
    expect(eleventh?.retryAfterSeconds).toBeLessThanOrEqual(60);
    // another user of the same company, and the same user without consuming, are not limited
    expect((await slots(claimsFor(users.both), 10))[0]?.rateLimited).toBe(false);
    expect((await slots(owner, 10, ACME, false))[0]?.rateLimited).toBe(false);
    const [{ n } = { n: 0 }] = await sql<
      { n: number }[]
    >`select count(*)::int as n from private.portal_session_grants where user_id = ${users.acmeOwner}`;
    expect(n).toBe(10);
  });

  test("the window slides: slots older than a minute free up", async () => {
    const owner = claimsFor(users.globexOwner);
    for (let i = 0; i < 3; i++) await slots(owner, 3, GLOBEX);
    expect((await slots(owner, 3, GLOBEX))[0]?.rateLimited).toBe(true);
    await sql`update private.portal_session_grants set granted_at = granted_at - interval '61 seconds' where user_id = ${users.globexOwner}`;
    expect((await slots(owner, 3, GLOBEX))[0]?.rateLimited).toBe(false);
  });

  test("concurrent clicks from several connections never exceed the limit", async () => {
    const both = claimsFor(users.both);
    await sql`delete from private.portal_session_grants`;
    const results = await Promise.all(Array.from({ length: 20 }, () => slots(both, 7, GLOBEX)));
    expect(results.filter((r) => r[0]?.rateLimited === false)).toHaveLength(7);
  });

  test("members, companies without a customer and ambiguous clicks take no slot", async () => {
    await sql`delete from private.portal_session_grants`;
    await slots(claimsFor(users.acmeMember), 10);
    await lib.queries.beginPortalSession(claimsFor(users.both), undefined, { limit: 10, consume: true });
    await slots(claimsFor(users.acmeOwner), 10, "00000000-0000-4000-8000-000000000000");
    expect(await sql`select user_id, company_id from private.portal_session_grants`).toEqual([]);
  });
});
