import { describe, expect, test } from "vitest";
import { parseEnv } from "@/lib/env";
import { diffSnapshots } from "@/lib/billing/reconcile-snapshot";
import { describeReconcile } from "@/lib/billing/reconcile-text";
import { baseEnv } from "./base-env.ts";

describe("reconcile's environment", () => {
  test("defaults: no cron secret, a day before a company is read again", () => {
    expect(parseEnv(baseEnv)).toMatchObject({ cronSecret: undefined, reconcileStaleAfterMinutes: 1440 });
  });
  test("set", () => {
    const env = parseEnv({ ...baseEnv, CRON_SECRET: "0123456789abcdef!", RECONCILE_STALE_AFTER_MINUTES: "60" });
    expect(env).toMatchObject({ cronSecret: "0123456789abcdef!", reconcileStaleAfterMinutes: 60 });
  });
  test.each([
    [{ CRON_SECRET: "short" }, /CRON_SECRET must be at least 16/],
    [{ CRON_SECRET: "sixteen chars with spaces" }, /CRON_SECRET must be printable ASCII/],
    [{ CRON_SECRET: "ünïcödé-sëcret-0123" }, /CRON_SECRET must be printable ASCII/],
  ])("%j is refused, naming the variable and never echoing it", (bad, message) => {
    expect(() => parseEnv({ ...baseEnv, ...bad })).toThrow(message);
    try {
      parseEnv({ ...baseEnv, ...bad });
    } catch (err) {
      for (const value of Object.values(bad)) expect((err as Error).message).not.toContain(value);
    }
  });
});

// A number of minutes is no secret: like every whole-number variable, the message quotes it.
test.each([
  [{ RECONCILE_STALE_AFTER_MINUTES: "soon" }, /RECONCILE_STALE_AFTER_MINUTES is "soon", which is not a whole number/],
  [{ RECONCILE_STALE_AFTER_MINUTES: "-5" }, /RECONCILE_STALE_AFTER_MINUTES is under the minimum of 0 \(got -5\)/],
  [{ RECONCILE_STALE_AFTER_MINUTES: "50000" }, /RECONCILE_STALE_AFTER_MINUTES is over the maximum of 43200/],
])("%j is refused, saying what is wrong and the range", (bad, message) => {
  expect(() => parseEnv({ ...baseEnv, ...bad })).toThrow(message);
});

describe("what reconcile reports", () => {
  test("the diff is the fields that changed", () => {
    expect(
      diffSnapshots({ status: "active", card: "visa 4242", plan: "Pro" }, { status: "past_due", card: "visa 4242" }),
    ).toEqual([
      { field: "status", before: "active", after: "past_due" },
      { field: "plan", before: "Pro", after: "none" },
    ]);
  });
  test("one line per company, and a summary", () => {
    const lines = describeReconcile({
      replay: {
        since: "2026-11-01T00:00:00.000Z",
        listed: 2,
        outcomes: { applied: 1, duplicate: 1 },
        skipped: [{ event: "evt_1", apiVersion: "2024-06-20", customerId: "cus_1" }],
      },
      companies: [
        {
          companyId: "c1",
          name: "Acme Inc",
          customerId: "cus_1",
          outcome: "changed",
          changes: [{ field: "status", before: "active", after: "past_due" }],
        },
        {
          companyId: "c2",
          name: "Globex",
          customerId: "cus_2",
          outcome: "failed",
          changes: [],
          error: "stripe_unavailable",
        },
      ],
      deferred: 3,
    });
    expect(lines).toEqual([
      "replay: 2 undelivered events since 2026-11-01T00:00:00.000Z (1 applied, 1 duplicate)",
      "  skipped evt_1: made in API version 2024-06-20; its customer is read again",
      "Acme Inc (cus_1): status active → past_due",
      "Globex (cus_2): failed (stripe_unavailable)",
      "billing:reconcile done: 2 companies read again, 1 changed, 1 failed, 3 left for the next run",
    ]);
  });
});
