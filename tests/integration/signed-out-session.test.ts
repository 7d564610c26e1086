// Signed out means signed out: once a token's session is gone from auth.sessions (sign-out of
// any scope through the Auth stand-in, which keeps sessions where GoTrue does), the click's and
// the page's queries refuse it, in the same single round trip, and no rate-limit slot is taken.
import { decodeJwt } from "jose";
import type postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { AuthStandIn } from "../../dev/auth/server.ts";
import type { RoundTripProxy } from "../../dev/roundtrip-proxy.ts";
import { passwordSignIn } from "./signed-in-claims.ts";
import { startTestStack, type TestStack } from "./stack.ts";
import { TEST_PUBLISHABLE_KEY } from "./test-env.ts";

const ACME = "22222222-2222-4222-8222-000000000001";
let stack: TestStack<{ proxy: "roundtrip"; auth: true }>;
let auth: AuthStandIn;
let proxy: RoundTripProxy;
let sql: postgres.Sql;
let queries: typeof import("@/lib/billing/queries");
let SessionEndedError: typeof import("@/lib/auth/session-ended").SessionEndedError;
type Claims = import("@/lib/auth").Claims;

beforeAll(async () => {
  stack = await startTestStack({ proxy: "roundtrip", auth: true });
  ({ sql, auth, proxy } = stack);
  queries = await import("@/lib/billing/queries");
  ({ SessionEndedError } = await import("@/lib/auth/session-ended"));
});

afterAll(() => stack?.cleanup());

async function signIn(email = "owner@acme.test") {
  const token = await passwordSignIn(auth.url, email);
  return { token, claims: decodeJwt(token) as Claims };
}
const signOut = (token: string, scope: string) =>
  fetch(`${auth.url}/auth/v1/logout?scope=${scope}`, {
    method: "POST",
    headers: { apikey: TEST_PUBLISHABLE_KEY, authorization: `Bearer ${token}` },
  });
const click = (claims: Claims) => queries.beginPortalSession(claims, ACME, { limit: 10, consume: true });
const grants = async () => (await sql`select count(*)::int as n from private.portal_session_grants`)[0]?.n as number;

describe("a signed-out token", () => {
  test.each(["local", "global"])("after sign-out (%s) the click and the page refuse it", async (scope) => {
    const { token, claims } = await signIn();
    expect(await click(claims)).toHaveLength(1);
    expect((await queries.companiesForUser(claims)).map((c) => c.name)).toEqual(["Acme Inc"]);
    expect((await signOut(token, scope)).status).toBe(204);

    const before = await grants();
    await expect(click(claims)).rejects.toBeInstanceOf(SessionEndedError);
    await expect(queries.companiesForUser(claims)).rejects.toBeInstanceOf(SessionEndedError);
    expect(await grants()).toBe(before); // no rate-limit slot for a dead session
  });

  test("sign-out of the others: this session keeps working, the others stop", async () => {
    const mine = await signIn();
    const other = await signIn();
    expect((await signOut(mine.token, "others")).status).toBe(204);
    expect(await click(mine.claims)).toHaveLength(1);
    await expect(click(other.claims)).rejects.toBeInstanceOf(SessionEndedError);
  });

  test("a session past not_after, or one that belongs to another user, is refused", async () => {
    const owner = await signIn();
    await sql`update auth.sessions set not_after = now() - interval '1 second' where id = ${owner.claims.session_id}`;
    await expect(click(owner.claims)).rejects.toBeInstanceOf(SessionEndedError);

    const member = await signIn("member@acme.test");
    const borrowed = { ...(await signIn()).claims, session_id: member.claims.session_id };
    await expect(click(borrowed)).rejects.toBeInstanceOf(SessionEndedError);
    await expect(queries.companiesForUser(borrowed)).rejects.toBeInstanceOf(SessionEndedError);
  });

  test("a user with no company and a dead session is refused too (the page's check runs without rows)", async () => {
    const { token, claims } = await signIn();
    await signOut(token, "local");
    await expect(
      queries.companiesForUser({ ...claims, sub: "11111111-1111-4111-8111-0000000000ff" }),
    ).rejects.toBeInstanceOf(SessionEndedError);
  });
});

describe("cost", () => {
  test("the session check adds no round trip: one click is still one flight, and so is the page", async () => {
    const { claims } = await signIn();
    await click(claims); // warm: connection open
    proxy.reset();
    await click(claims);
    expect(proxy.flights()).toBe(1);
    proxy.reset();
    await queries.companiesForUser(claims);
    expect(proxy.flights()).toBe(1);
  });
});
