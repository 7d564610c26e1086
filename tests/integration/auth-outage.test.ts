// lib/auth against the Auth stand-in (real HTTP, real PostgreSQL) while it is down or hangs:
// a valid token is never turned into "please sign in", forged tokens can't hammer the auth
// server, and the last good keys keep verifying through an outage.
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import type { AuthStandIn } from "../../dev/auth/server.ts";
import { passwordSignIn } from "./signed-in-claims.ts";
import { startTestStack, type TestStack } from "./stack.ts";

const JWKS = "GET /auth/v1/.well-known/jwks.json";
let stack: TestStack<{ auth: true }>;
let auth: AuthStandIn;
let claimsFromRequest: typeof import("@/lib/auth").claimsFromRequest;

const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${auth.url}/__control/${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json() as Promise<{ calls: Record<string, number> }>;
};
const jwksCalls = async () => (await control("GET", "counters")).calls[JWKS] ?? 0;

const accessToken = () => passwordSignIn(auth.url);
const bearer = (token: string) =>
  claimsFromRequest(new Request("http://localhost/api/portal", { headers: { authorization: `Bearer ${token}` } }));

beforeAll(async () => {
  stack = await startTestStack({ auth: true });
  ({ auth } = stack);
  ({ claimsFromRequest } = await import("@/lib/auth"));
});

afterEach(async () => {
  vi.useRealTimers();
  await control("DELETE", "faults");
});

afterAll(() => stack?.cleanup());

describe("cold start (no keys cached yet)", () => {
  test("auth server refusing connections: auth_unavailable, not 'please sign in'", async () => {
    const token = await accessToken();
    await control("POST", "faults", { mode: "refuse", path: "/auth/v1/.well-known/" });
    await expect(bearer(token)).rejects.toMatchObject({ name: "UnavailableError", code: "auth_unavailable" });
  });

  test("auth server hanging: auth_unavailable within the auth step's 3 s", async () => {
    const token = await accessToken();
    await new Promise((r) => setTimeout(r, 1_100)); // past the cold-retry pause after the last failure
    await control("POST", "faults", { mode: "hang", path: "/auth/v1/.well-known/" });
    const started = performance.now();
    await expect(bearer(token)).rejects.toMatchObject({ code: "auth_unavailable" });
    const ms = performance.now() - started;
    expect(ms).toBeGreaterThan(2_500);
    expect(ms).toBeLessThan(4_500);
  });
});

describe("warm", () => {
  test("once the keys are fetched, tokens verify with no auth-server call", async () => {
    await new Promise((r) => setTimeout(r, 1_100));
    const token = await accessToken();
    expect((await bearer(token))?.sub).toBe(decodeJwt(token).sub);
    await control("POST", "reset");
    for (let i = 0; i < 20; i++) expect(await bearer(token)).not.toBeNull();
    expect(await jwksCalls()).toBe(0);
  });

  test("100 tokens with forged key ids cost the auth server at most one JWKS fetch", async () => {
    const claims = decodeJwt(await accessToken());
    const { privateKey } = await generateKeyPair("ES256");
    const forged = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: `forged-${i}` }).sign(privateKey),
      ),
    );
    await control("POST", "reset");
    for (const token of forged) expect(await bearer(token)).toBeNull();
    const calls = await jwksCalls();
    expect(calls).toBeLessThanOrEqual(1);
    console.log(`auth-server calls caused by 100 forged-kid tokens: ${calls}`);
  });

  test("through an auth outage the cached keys keep verifying (past their 10-minute freshness), for 24 hours", async () => {
    await control("POST", "ttl", { accessTokenTtlSeconds: 2 * 24 * 3600 }); // a token that outlives the test's clock
    const token = await accessToken();
    await control("POST", "ttl", { accessTokenTtlSeconds: 3600 });
    expect(decodeProtectedHeader(token).kid).toBeTruthy();
    await control("POST", "faults", { mode: "refuse" });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 11 * 60_000 });
    expect((await bearer(token))?.sub).toBe(decodeJwt(token).sub);
    vi.setSystemTime(Date.now() + 23 * 60 * 60_000);
    expect(await bearer(token)).not.toBeNull();
    vi.setSystemTime(Date.now() + 2 * 60 * 60_000);
    await expect(bearer(token)).rejects.toMatchObject({ code: "auth_unavailable" });
  });
});
