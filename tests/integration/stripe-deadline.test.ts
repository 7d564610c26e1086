// The click's one Stripe call (lib/billing/stripe-portal.ts) through the official SDK to the
// Stripe stand-in behind dev/fault-proxy.ts: whatever Stripe does, the answer comes within what
// is left of the click's deadline, and retries share that budget instead of multiplying it.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type FaultProxy, startFaultProxy } from "../../dev/fault-proxy.ts";
import { startTestStripe, type TestStripe } from "../stand-ins/stripe-stand-in.ts";
import { setTestEnv, TEST_STRIPE_KEY } from "./test-env.ts";

const CUSTOMER = "cus_DeadlineTest0001";
let standIn: TestStripe;
let proxy: FaultProxy;
let lib: {
  openStripePortal: typeof import("@/lib/billing/stripe-portal").openStripePortal;
  deadlineIn: typeof import("@/lib/deadline").deadlineIn;
};

beforeAll(async () => {
  standIn = await startTestStripe({ apiKey: TEST_STRIPE_KEY, seed: { customers: [{ id: CUSTOMER, name: "T" }] } });
  proxy = await startFaultProxy({ host: "127.0.0.1", port: standIn.port });
  setTestEnv({
    DATABASE_URL: "postgres://unused@127.0.0.1:1/unused",
    STRIPE_API_BASE: `http://127.0.0.1:${proxy.port}`,
    // Per attempt as configured; the deadline below is what bounds the whole call.
    STRIPE_TIMEOUT_MS: "10000",
    STRIPE_MAX_NETWORK_RETRIES: "2",
  });
  lib = {
    openStripePortal: (await import("@/lib/billing/stripe-portal")).openStripePortal,
    deadlineIn: (await import("@/lib/deadline")).deadlineIn,
  };
});

afterAll(async () => {
  await proxy?.close();
  await standIn?.close();
});

beforeEach(() => proxy.set("pass"));

async function click(budgetMs: number) {
  const t = performance.now();
  const result = await lib.openStripePortal({
    params: { customer: CUSTOMER, return_url: "http://localhost:3000/billing" },
    idempotencyKey: `test:${crypto.randomUUID()}`,
    log: { userId: "u", companyId: "c", flow: null },
    deadline: lib.deadlineIn(budgetMs),
  });
  return { ms: performance.now() - t, result, code: result.ok ? "ok" : result.error.code };
}

describe("Stripe within the click's deadline", () => {
  test("healthy: a session", async () => {
    expect((await click(3000)).code).toBe("ok");
  });

  test("hung: stripe_unavailable within the budget, not after 10 s × 3 attempts", async () => {
    await proxy.set("hang");
    const r = await click(3000);
    expect(r.code).toBe("stripe_unavailable");
    expect(r.result).toMatchObject({ error: { retryAfterSeconds: 30 } });
    expect(r.ms).toBeGreaterThan(2000);
    expect(r.ms).toBeLessThan(3000);
    console.log(`[measured] stripe hung, 3 s budget: answer in ${Math.round(r.ms)} ms`);
  });

  test("refusing connections: retried while the budget allows, then stripe_unavailable", async () => {
    await proxy.set("refuse");
    const r = await click(10_000);
    expect(r.code).toBe("stripe_unavailable");
    // Two backoffs of at least 0.5 s each: the retries happened, and ended well before the deadline.
    expect(r.ms).toBeGreaterThan(1000);
    expect(r.ms).toBeLessThan(4000);
    console.log(`[measured] stripe refused: answer in ${Math.round(r.ms)} ms`);
  });

  test("dropping connections: the same", async () => {
    await proxy.set("drop");
    const r = await click(10_000);
    expect(r.code).toBe("stripe_unavailable");
    expect(r.ms).toBeLessThan(10_000);
  });

  test("slow but answering: the session comes, one attempt", async () => {
    await proxy.set("delay", { delayMs: 1200 });
    const before = proxy.stats().connections;
    const r = await click(5000);
    expect(r.code).toBe("ok");
    expect(proxy.stats().connections - before).toBeLessThanOrEqual(1);
  });

  test("slower than the budget: stripe_unavailable within it", async () => {
    await proxy.set("delay", { delayMs: 4000 });
    const r = await click(2500);
    expect(r.code).toBe("stripe_unavailable");
    expect(r.ms).toBeLessThan(2500);
  });
});
