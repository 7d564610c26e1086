// The Auth stand-in, driven only through the official supabase-js client, the way the app uses it.
import { createClient } from "@supabase/supabase-js";
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT, type JWTPayload } from "jose";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAuthStandIn, type AuthStandIn } from "../../dev/auth/server.ts";
import { migrate } from "../../dev/migrate.ts";
import { startEmbeddedPostgres, type RunningPostgres } from "../../dev/postgres.ts";
import { freePort } from "../../dev/free-port.ts";

const ANON_KEY = "local-anon-key-for-tests";
const OWNER = { email: "owner@acme.test", password: "password123", id: "11111111-1111-4111-8111-000000000001" };
const MEMBER = { email: "member@acme.test", password: "password123", id: "11111111-1111-4111-8111-000000000004" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let pg: RunningPostgres | undefined;
let auth: AuthStandIn;

beforeAll(async () => {
  pg = await startEmbeddedPostgres({ port: await freePort() });
  await migrate(pg.url, { seed: true });
  auth = await startAuthStandIn({ port: 0, databaseUrl: pg.url, anonKey: ANON_KEY });
});

afterAll(async () => {
  await auth?.close();
  await pg?.stop();
});

// auth-js caches the JWKS globally per storage key, so each client gets its own key unless a
// test shares one on purpose.
let clientSeq = 0;
function client(opts: { key?: string; storageKey?: string } = {}) {
  const storageKey = opts.storageKey ?? `auth-standin-test-${++clientSeq}`;
  return createClient(auth.url, opts.key ?? ANON_KEY, {
    auth: { persistSession: false, autoRefreshToken: false, storageKey },
  });
}

async function signIn(user: { email: string; password: string }, c = client()) {
  const { data, error } = await c.auth.signInWithPassword({ email: user.email, password: user.password });
  if (error || !data.session) throw error ?? new Error("no session");
  return { c, session: data.session };
}

async function counters(): Promise<{ calls: Record<string, number>; total: number }> {
  return (await fetch(`${auth.url}/__control/counters`)).json() as Promise<{
    calls: Record<string, number>;
    total: number;
  }>;
}
async function resetCounters(): Promise<void> {
  await fetch(`${auth.url}/__control/reset`, { method: "POST" });
}
async function setTokenSettings(body: {
  accessTokenTtlSeconds?: number;
  refreshTokenReuseIntervalSeconds?: number;
}): Promise<void> {
  const res = await fetch(`${auth.url}/__control/ttl`, { method: "POST", body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

async function forgeToken(claims: JWTPayload, kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair("ES256");
  return new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid, typ: "JWT" }).sign(privateKey);
}

describe("Auth stand-in", () => {
  it("listens on the real port when asked for port 0 and publishes only the public key", async () => {
    expect(auth.port).toBeGreaterThan(0);
    expect(auth.url).toBe(`http://127.0.0.1:${auth.port}`);
    const [jwk] = auth.jwks.keys as Record<string, unknown>[];
    expect(auth.jwks.keys).toHaveLength(1);
    expect(jwk).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig", key_ops: ["verify"] });
    expect(jwk?.kid).toMatch(UUID);
    expect(jwk).not.toHaveProperty("d");
  });

  it("signs in with a password and answers with Supabase's session and claims", async () => {
    const { session } = await signIn({ ...OWNER, email: "Owner@ACME.test" });
    expect(session).toMatchObject({ token_type: "bearer", expires_in: 3600 });
    expect(session.expires_at).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 3590);
    expect(session.refresh_token.length).toBeGreaterThanOrEqual(12);
    expect(session.user).toMatchObject({
      id: OWNER.id,
      email: OWNER.email,
      aud: "authenticated",
      role: "authenticated",
    });
    expect(session.user.user_metadata).toMatchObject({ full_name: "Olivia Owner" });

    expect(decodeProtectedHeader(session.access_token)).toEqual({
      alg: "ES256",
      kid: (auth.jwks.keys[0] as { kid: string }).kid,
      typ: "JWT",
    });
    const claims = decodeJwt(session.access_token);
    expect(claims).toMatchObject({
      iss: `${auth.url}/auth/v1`,
      sub: OWNER.id,
      aud: "authenticated",
      role: "authenticated",
      email: OWNER.email,
      phone: "",
      aal: "aal1",
      is_anonymous: false,
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: { full_name: "Olivia Owner", locale: "en" },
    });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims.session_id).toMatch(UUID);
    expect(claims.amr).toEqual([{ method: "password", timestamp: expect.any(Number) }]);
  });

  it("refuses wrong credentials with GoTrue's invalid_credentials", async () => {
    for (const email of [OWNER.email, "nobody@acme.test"]) {
      const { data, error } = await client().auth.signInWithPassword({ email, password: "wrong-password" });
      expect(data.session).toBeNull();
      expect(error).toMatchObject({ status: 400, code: "invalid_credentials", message: "Invalid login credentials" });
    }
  });

  it("verifies getClaims() locally: one JWKS fetch, then no Auth call from a new client instance", async () => {
    const storageKey = "auth-standin-shared-jwks-cache";
    const { c, session } = await signIn(OWNER, client({ storageKey }));
    await resetCounters();

    const first = await c.auth.getClaims();
    expect(first.error).toBeNull();
    expect(first.data?.claims).toMatchObject({ sub: OWNER.id, role: "authenticated", aud: "authenticated" });
    const afterFirst = await counters();
    expect(afterFirst.calls["GET /auth/v1/.well-known/jwks.json"]).toBe(1);
    expect(afterFirst.total).toBe(1);

    await resetCounters();
    const second = await client({ storageKey }).auth.getClaims(session.access_token);
    expect(second.error).toBeNull();
    expect(second.data?.claims.sub).toBe(OWNER.id);
    expect((await counters()).total).toBe(0);
  });

  it("rejects tokens signed by another key, locally for our kid and on the server for an unknown kid", async () => {
    const { c, session } = await signIn(MEMBER);
    const claims = decodeJwt(session.access_token);
    const kid = (auth.jwks.keys[0] as { kid: string }).kid;

    const sameKid = await c.auth.getClaims(await forgeToken(claims, kid));
    expect(sameKid.data).toBeNull();
    expect(sameKid.error?.message).toBe("Invalid JWT signature");

    // auth-js cannot find the kid in the JWKS, so it asks the server (GET /user), which refuses.
    await resetCounters();
    const otherKid = await c.auth.getClaims(await forgeToken(claims, "00000000-0000-4000-8000-000000000000"));
    expect(otherKid.data).toBeNull();
    expect(otherKid.error).toMatchObject({ status: 403, code: "bad_jwt" });
    expect((await counters()).calls["GET /auth/v1/user"]).toBe(1);
  });

  it("rotates refresh tokens and refuses an old one once outside the reuse interval", async () => {
    await setTokenSettings({ refreshTokenReuseIntervalSeconds: 0 });
    try {
      const { c, session: s0 } = await signIn(OWNER);
      const r1 = await c.auth.refreshSession();
      expect(r1.error).toBeNull();
      const s1 = r1.data.session!;
      expect(s1.refresh_token).not.toBe(s0.refresh_token);
      expect(s1.access_token).not.toBe(s0.access_token);
      expect(decodeJwt(s1.access_token).session_id).toBe(decodeJwt(s0.access_token).session_id);

      // GoTrue hands the current token back to a client that lost the answer to its last refresh.
      const lost = await client().auth.refreshSession({ refresh_token: s0.refresh_token });
      expect(lost.error).toBeNull();
      expect(lost.data.session?.refresh_token).toBe(s1.refresh_token);

      const r2 = await client().auth.refreshSession({ refresh_token: s1.refresh_token });
      expect(r2.error).toBeNull();
      const s2 = r2.data.session!;

      const reused = await client().auth.refreshSession({ refresh_token: s0.refresh_token });
      expect(reused.data.session).toBeNull();
      expect(reused.error).toMatchObject({ status: 400, code: "refresh_token_already_used" });

      // Reuse revokes the whole family, so even the newest token is dead now.
      const newest = await client().auth.refreshSession({ refresh_token: s2.refresh_token });
      expect(newest.error).toMatchObject({ status: 400, code: "refresh_token_already_used" });
    } finally {
      await setTokenSettings({ refreshTokenReuseIntervalSeconds: 10 });
    }
  });

  it("lets an older refresh token through within GoTrue's default reuse interval", async () => {
    const { session: s0 } = await signIn(OWNER);
    const s1 = (await client().auth.refreshSession({ refresh_token: s0.refresh_token })).data.session!;
    await client().auth.refreshSession({ refresh_token: s1.refresh_token });
    const again = await client().auth.refreshSession({ refresh_token: s0.refresh_token });
    expect(again.error).toBeNull();
    expect(again.data.session?.user.id).toBe(OWNER.id);
  });

  it("answers getUser() with GoTrue's user object and refuses a forged token", async () => {
    const before = Date.now();
    const { c, session } = await signIn(MEMBER);
    await resetCounters();
    const { data, error } = await c.auth.getUser();
    expect(error).toBeNull();
    const user = data.user!;
    expect(user).toMatchObject({
      id: MEMBER.id,
      aud: "authenticated",
      role: "authenticated",
      email: MEMBER.email,
      phone: "",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: { full_name: "Max Member" },
      identities: [],
      is_anonymous: false,
    });
    expect(user.confirmed_at).toBe(user.email_confirmed_at);
    expect(Date.parse(user.last_sign_in_at!)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(user.created_at)).not.toBeNaN();
    expect((await counters()).calls["GET /auth/v1/user"]).toBe(1);

    const forged = await forgeToken(decodeJwt(session.access_token), (auth.jwks.keys[0] as { kid: string }).kid);
    const refused = await c.auth.getUser(forged);
    expect(refused.data.user).toBeNull();
    expect(refused.error).toMatchObject({ status: 403, code: "bad_jwt" });
  });

  it("signOut() revokes the session: its refresh token is gone and /user reports the session missing", async () => {
    const { c, session } = await signIn(OWNER);
    await resetCounters();
    expect((await c.auth.signOut()).error).toBeNull();
    expect((await counters()).calls["POST /auth/v1/logout?scope=global"]).toBe(1);

    const refresh = await client().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(refresh.error).toMatchObject({ status: 400, code: "refresh_token_not_found" });

    const user = await client().auth.getUser(session.access_token);
    expect(user.error?.name).toBe("AuthSessionMissingError");
  });

  it("signOut() scopes: local ends only this session, others ends all but this one", async () => {
    const a = await signIn(MEMBER);
    const b = await signIn(MEMBER);
    const c = await signIn(MEMBER);

    expect((await b.c.auth.signOut({ scope: "local" })).error).toBeNull();
    expect((await client().auth.refreshSession({ refresh_token: b.session.refresh_token })).error?.code).toBe(
      "refresh_token_not_found",
    );
    expect((await a.c.auth.refreshSession()).error).toBeNull();

    expect((await a.c.auth.signOut({ scope: "others" })).error).toBeNull();
    expect((await client().auth.refreshSession({ refresh_token: c.session.refresh_token })).error?.code).toBe(
      "refresh_token_not_found",
    );
    expect((await a.c.auth.refreshSession()).error).toBeNull();
  });

  it("keeps sessions and refresh tokens in auth.sessions and auth.refresh_tokens, as GoTrue does", async () => {
    const sql = postgres(pg!.url, { max: 1, onnotice: () => {} });
    try {
      const { c, session } = await signIn(OWNER);
      const sessionId = decodeJwt(session.access_token).session_id as string;
      const [row] = await sql`select user_id, aal::text, created_at from auth.sessions where id = ${sessionId}`;
      expect(row).toMatchObject({ user_id: OWNER.id, aal: "aal1" });
      const tokens = () =>
        sql`select token, revoked, parent, user_id from auth.refresh_tokens where session_id = ${sessionId} order by id`;
      expect(await tokens()).toEqual([
        { token: session.refresh_token, revoked: false, parent: null, user_id: OWNER.id },
      ]);

      const next = (await c.auth.refreshSession()).data.session!;
      expect(await tokens()).toEqual([
        { token: session.refresh_token, revoked: true, parent: null, user_id: OWNER.id },
        { token: next.refresh_token, revoked: false, parent: session.refresh_token, user_id: OWNER.id },
      ]);

      // An admin deleting the row ends the session, like signing out: its tokens go with it.
      await sql`delete from auth.sessions where id = ${sessionId}`;
      expect(await tokens()).toEqual([]);
      expect((await client().auth.getUser(next.access_token)).error?.name).toBe("AuthSessionMissingError");
    } finally {
      await sql.end();
    }
  });

  it("two refreshes of the same token at once both get the session, and only one new token is active", async () => {
    const { session } = await signIn(MEMBER);
    const [a, b] = await Promise.all([
      client().auth.refreshSession({ refresh_token: session.refresh_token }),
      client().auth.refreshSession({ refresh_token: session.refresh_token }),
    ]);
    expect(a.error).toBeNull();
    expect(b.error).toBeNull();
    const sql = postgres(pg!.url, { max: 1, onnotice: () => {} });
    try {
      const sessionId = decodeJwt(session.access_token).session_id as string;
      const active = await sql`select token from auth.refresh_tokens where session_id = ${sessionId} and not revoked`;
      expect(active).toHaveLength(1);
    } finally {
      await sql.end();
    }
  });

  it("refuses a wrong apikey as Supabase's gateway does, but leaves the JWKS open", async () => {
    await resetCounters();
    const wrong = client({ key: "not-the-anon-key" });
    const { data, error } = await wrong.auth.signInWithPassword(OWNER);
    expect(data.session).toBeNull();
    expect(error).toMatchObject({ status: 401, message: "Invalid API key" });
    expect((await counters()).calls["POST /auth/v1/token?grant_type=password"]).toBe(1);

    const { session } = await signIn(OWNER);
    const claims = await wrong.auth.getClaims(session.access_token);
    expect(claims.error).toBeNull();
  });

  it("TTL control: an expired token is rejected by getClaims() and the server, and getClaims() refreshes a stored one", async () => {
    await setTokenSettings({ accessTokenTtlSeconds: 1 });
    try {
      const { c, session } = await signIn(OWNER);
      expect(session.expires_in).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, session.expires_at! * 1000 - Date.now() + 100));

      const local = await client().auth.getClaims(session.access_token);
      expect(local.data).toBeNull();
      expect(local.error?.message).toMatch(/expired/);
      const server = await client().auth.getUser(session.access_token);
      expect(server.error).toMatchObject({ status: 403, code: "bad_jwt" });

      await setTokenSettings({ accessTokenTtlSeconds: 5 });
      await resetCounters();
      const refreshed = await c.auth.getClaims();
      expect(refreshed.error).toBeNull();
      expect(refreshed.data!.claims.exp - refreshed.data!.claims.iat).toBe(5);
      expect((await counters()).calls["POST /auth/v1/token?grant_type=refresh_token"]).toBe(1);
    } finally {
      await setTokenSettings({ accessTokenTtlSeconds: 3600 });
    }
  });
});
