// Every spec of the local e2e suite imports from here, not from @playwright/test:
//
//   import { expect, openBilling, signedInAs, test } from "./fixtures";
//
// - Known state, automatically: before each test (and each retry) the Stripe stand-in goes back
//   to its state just after start (seed objects under the same ids, no API or webhook faults, no
//   portal sessions or events, start config, zero counters), the Auth stand-in's counters are
//   zeroed, and every row of the database (all tables of the app's schemas, new ones included)
//   is restored in one round trip from the snapshot the setup project took. With a real Stripe
//   key (the stripe-test-mode project) nothing is reset.
// - Signed in: the "setup" project (signed-in.setup.ts, run first, also under -g) signs each demo
//   user in through the login page. `test.use({ storageState: signedInAs("owner@acme.test") })`
//   in a file or describe, then `await openBilling(page)`; another user in the same test:
//   `const member = await pageAs("member@acme.test")` (a page already on /billing).
// - These sessions are shared by every test: a test that signs out, or is about signing in, uses
//   no storageState and signs in through the page (`signIn` from ./support). Mind that
//   signOut() is global by default in supabase-js: it ends every session of that user. The
//   reset restores sessions kept in the database; the Auth stand-in keeps them in memory today,
//   where the shared access token still verifies for its hour but can no longer be refreshed.
// - Counting calls: `stripe.resetCounters()` / `auth.resetCounters()` (./support) zero the
//   counters alone, just before the action measured.
import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";
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
    const contexts: BrowserContext[] = [];
    await provide(async (user) => {
      const context = await browser.newContext({ storageState: signedInAs(user) });
      contexts.push(context);
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
