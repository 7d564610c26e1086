// GET /api/health against a real PostgreSQL and the Auth and Stripe stand-ins: what each probe
// costs, what the answer gives away (nothing), and a 503 naming the part that failed, in time.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { AuthStandIn } from "../../dev/auth/server.ts";
import type { RunningPostgres } from "../../dev/postgres.ts";
import type { StripeControl, TestStripe } from "../stand-ins/stripe-stand-in.ts";
import { startTestStack, type TestStack } from "./stack.ts";

let stack: TestStack<{ stripe: true; auth: true }>;
let pg: RunningPostgres;
let auth: AuthStandIn;
let standIn: TestStripe;
let control: StripeControl;
let health: typeof import("@/lib/health");
let GET: () => Promise<Response>;

beforeAll(async () => {
  stack = await startTestStack({ seed: false, stripe: true, auth: true });
  ({ pg, auth, stripe: standIn } = stack);
  ({ control } = standIn);
  health = await import("@/lib/health");
  ({ GET } = await import("@/app/api/health/route"));
});

afterAll(() => stack?.cleanup());

beforeEach(async () => {
  await control.reset();
  await fetch(`${auth.url}/__control/reset`, { method: "POST" });
});

async function answer() {
  const res = await GET();
  const text = await res.text();
  return { status: res.status, cacheControl: res.headers.get("cache-control"), text, body: JSON.parse(text) };
}

describe("GET /api/health", () => {
  // First, while nothing is reused yet: a failure is never reused either.
  test("a failing part is a 503 with its code, and the answer names no host, URL or key", async () => {
    await control.fault({ path: "/v1/billing_portal/configurations", mode: "status", status: 500 });
    const res = await answer();
    expect(res.status).toBe(503);
    expect(res.cacheControl).toContain("no-store");
    expect(res.body).toEqual({
      status: "unavailable",
      code: "stripe_unavailable",
      error: expect.any(String),
      checks: { database: "ok", stripe: "stripe_unavailable", auth: "ok" },
    });
    for (const secret of ["127.0.0.1", "http", "sk_test", "postgres", "sb_publishable", String(standIn.port)])
      expect(res.text).not.toContain(secret);
  });

  test("all reachable: 200, one Stripe call, one auth call; a healthy answer is reused for a moment", async () => {
    const res = await answer();
    expect(res).toMatchObject({
      status: 200,
      body: { status: "ok", checks: { database: "ok", stripe: "ok", auth: "ok" } },
    });
    expect(res.cacheControl).toContain("no-store");
    expect(await control.calls()).toEqual({ "GET /v1/billing_portal/configurations": 1 });
    const authCalls = (await (await fetch(`${auth.url}/__control/counters`)).json()) as {
      calls: Record<string, number>;
    };
    expect(authCalls.calls["GET /auth/v1/.well-known/jwks.json"]).toBe(1);
    await Promise.all([answer(), answer(), answer()]);
    expect(await control.calls()).toEqual({ "GET /v1/billing_portal/configurations": 1 });
  });
});

describe("checkHealth", () => {
  test("a Stripe that hangs is stripe_unavailable within the probe's deadline; the others still answer", async () => {
    await control.fault({ path: "/v1/billing_portal/configurations", mode: "latency", ms: 20_000 });
    const started = performance.now();
    const report = await health.checkHealth();
    const elapsed = performance.now() - started;
    expect(report).toEqual({ ok: false, checks: { database: "ok", stripe: "stripe_unavailable", auth: "ok" } });
    expect(elapsed).toBeGreaterThanOrEqual(health.CHECK_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(health.CHECK_TIMEOUT_MS + 1500);
  });

  test("auth down is auth_unavailable; the database down is database_unavailable", async () => {
    await auth.close();
    expect((await health.checkHealth()).checks).toEqual({ database: "ok", stripe: "ok", auth: "auth_unavailable" });
    await pg.stop();
    expect((await health.checkHealth()).checks).toMatchObject({ database: "database_unavailable" });
  });
});
