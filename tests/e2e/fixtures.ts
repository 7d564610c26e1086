// Every e2e spec of the local suite starts here:
//
//   import { expect, openBilling, test } from "./fixtures";
//
// - Known state, automatically: before each test (and each retry) the Stripe stand-in is put
//   back to its state just after start (seed objects under their ids, no faults, webhook faults
//   included, no sessions or events, zero counters), the Auth stand-in's counters are zeroed, and
//   every row of the database is restored, in one round trip, to the snapshot the setup project
//   took: the seed plus the demo users' sessions. New tables are covered without touching this
//   file. With a real Stripe key (stripe-test-mode) nothing is reset.
// - Signed in as a demo user: `test.use({ storageState: signedInAs("owner@acme.test") })` in a
//   file or describe, then `await openBilling(page)`. Another user in the same test:
//   `const member = await pageAs("member@acme.test")` (a page on /billing, closed for you).
//   These sessions are shared by every test: never sign them out.
// - A test about signing in or out: no storageState, sign in through the page (`signIn` from
//   ./support) so the session is its own. signOut() is global (supabase-js's default): it ends
//   every session of that user, the shared one too, which the next reset brings back only where
//   sessions live in the database.
// - Counting calls: `stripe.resetCounters()` / `auth.resetCounters()` from ./support zero the
//   counters alone, just before the action measured.
import { test as base, expect, type Page } from "@playwright/test";
import postgres from "postgres";
import { signedInAs, type DemoUser } from "./demo-users";
import { resetStack } from "./reset";
import { realStripeTestMode } from "./stack";
import { stackDatabaseUrl } from "./support";

export { expect };
export { signedInAs };

/** Goes to /billing (or `path`) and checks the saved session is still signed in. */
export async function openBilling(page: Page, path = "/billing") {
  await page.goto(path);
  await expect(page, "the saved session should be signed in; did the setup project run?").not.toHaveURL(/\/login/);
}

type TestFixtures = { resetStack: void; pageAs: (user: DemoUser) => Promise<Page> };
type WorkerFixtures = { stackReset: () => Promise<void> };

export const test = base.extend<TestFixtures, WorkerFixtures>({
  // One connection per worker; the resets' times are printed at its end. (The second parameter,
  // Playwright's `use`, is named `provide`: React's lint rule takes any `use()` call for a hook.)
  stackReset: [
    async ({}, provide) => {
      const sql = postgres(stackDatabaseUrl, { max: 1, onnotice: () => {} });
      const ms: number[] = [];
      await provide(async () => {
        const started = performance.now();
        await resetStack(sql);
        ms.push(performance.now() - started);
      });
      await sql.end();
      if (ms.length > 0) console.log(`[e2e] ${resetSummary(ms)}`);
    },
    { scope: "worker" },
  ],
  resetStack: [
    async ({ stackReset }, provide) => {
      if (!realStripeTestMode) await stackReset();
      await provide();
    },
    { auto: true },
  ],
  pageAs: async ({ browser }, provide) => {
    const contexts = new Set<{ close(): Promise<void> }>();
    await provide(async (user) => {
      const context = await browser.newContext({ storageState: signedInAs(user) });
      contexts.add(context);
      const page = await context.newPage();
      await openBilling(page);
      return page;
    });
    for (const context of contexts) await context.close();
  },
});

function resetSummary(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1);
  return `${ms.length} resets: median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms`;
}
