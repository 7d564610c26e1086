// The app when a dependency is down, hung or blips: a second `next start` of the same build
// reaches PostgreSQL, Stripe and the auth server through dev/fault-proxy.ts, and the tests break
// them on purpose. Every click is answered within the deadline, an outage says what is down,
// /billing stays a page, and the app is back by itself when the dependency is.
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { type FaultProxy, startFaultProxy } from "../../dev/fault-proxy.ts";
import { localStackEnv } from "../../dev/local-stack.ts";
import { type NextServer, startNext } from "./next-server";
import { ports, realStripeTestMode, stripeUrl } from "./stack";
import { accessToken, alertOf, companies, postPortal, signIn, withDatabase } from "./support";

const port = 3102 + Number(process.env.E2E_PORT_OFFSET ?? 0);
const DEADLINE_MS = 4000;
const DB_TIMEOUT_MS = 1000;
/** What a loaded machine may add to an answer: Next, the browser and the test itself. */
const SLACK_MS = 1500;
const sentences = {
  database_unavailable:
    "The billing database isn't answering right now. This is temporary: please try again in a minute.",
  stripe_unavailable:
    "Stripe isn't responding right now, so the billing portal can't open. Please try again in a minute.",
};

test.skip(realStripeTestMode, "needs the Stripe stand-in; unset STRIPE_SECRET_KEY to run it");
test.describe.configure({ mode: "serial" });
test.use({ baseURL: `http://localhost:${port}` });

const proxies = {} as Record<"db" | "stripe" | "auth", FaultProxy>;
let next: NextServer;

test.beforeAll(async () => {
  const local = localStackEnv({ ...ports, app: port });
  proxies.db = await startFaultProxy({ host: "127.0.0.1", port: ports.postgres });
  proxies.stripe = await startFaultProxy({ host: "127.0.0.1", port: ports.stripe });
  proxies.auth = await startFaultProxy({ host: "127.0.0.1", port: ports.auth });
  next = await startNext(port, {
    ...local,
    DATABASE_URL: local.DATABASE_URL!.replace(`:${ports.postgres}/`, `:${proxies.db.port}/`),
    STRIPE_API_BASE: `http://127.0.0.1:${proxies.stripe.port}`,
    NEXT_PUBLIC_SUPABASE_URL: `http://127.0.0.1:${proxies.auth.port}`,
    CLICK_DEADLINE_MS: String(DEADLINE_MS),
    DATABASE_TIMEOUT_MS: String(DB_TIMEOUT_MS),
  });
});

test.afterAll(async () => {
  await next?.stop();
  await Promise.all(Object.values(proxies).map((p) => p.close()));
});

// The reset fixture puts the stack back before each test; the proxies are this file's own.
test.beforeEach(async () => {
  await Promise.all(Object.values(proxies).map((p) => p.set("pass")));
});

/** Clicks Manage Billing and resolves with how long the page took to show our alert. */
async function clickUntilAlert(page: Page) {
  const t = performance.now();
  await page.getByRole("button", { name: "Manage Billing" }).click();
  const alert = alertOf(page);
  await expect(alert).toBeVisible({ timeout: DEADLINE_MS + SLACK_MS });
  return { alert, ms: performance.now() - t };
}

async function timedPost(request: APIRequestContext, token: string) {
  const t = performance.now();
  const res = await request.post("/api/portal", {
    data: {},
    headers: { authorization: `Bearer ${token}` },
    failOnStatusCode: false,
  });
  return {
    status: res.status(),
    retryAfter: res.headers()["retry-after"],
    body: await res.json(),
    ms: performance.now() - t,
  };
}

test.describe("Stripe", () => {
  test("hung: the click says Stripe is unavailable within the deadline, in place", async ({ page, request }) => {
    await signIn(page, "owner@acme.test");
    await proxies.stripe.set("hang");
    const { alert, ms } = await clickUntilAlert(page);
    await expect(alert).toHaveAttribute("data-code", "stripe_unavailable");
    await expect(alert).toHaveText(sentences.stripe_unavailable);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    await expect(page.getByRole("heading", { name: "Acme Inc" })).toBeVisible();

    const api = await timedPost(request, await accessToken("owner@acme.test"));
    expect(api).toMatchObject({ status: 503, retryAfter: "30", body: { code: "stripe_unavailable" } });
    expect(api.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    console.log(
      `[measured] stripe hung: page alert after ${Math.round(ms)} ms, API 503 after ${Math.round(api.ms)} ms`,
    );

    await proxies.stripe.set("pass");
    await page.getByRole("button", { name: "Manage Billing" }).click();
    await expect(page).toHaveURL(new RegExp(`^${stripeUrl}/p/session/`));
  });

  test("refusing connections: stripe_unavailable after the retries, well within the deadline", async ({ request }) => {
    await proxies.stripe.set("refuse");
    const api = await timedPost(request, await accessToken("owner@acme.test"));
    expect(api).toMatchObject({ status: 503, retryAfter: "30", body: { code: "stripe_unavailable" } });
    expect(api.ms).toBeLessThan(DEADLINE_MS);
    console.log(`[measured] stripe refused: API 503 after ${Math.round(api.ms)} ms`);
  });
});

test.describe("the database", () => {
  test("down: the API answers 503 database_unavailable with Retry-After, at once", async ({ request }) => {
    const token = await accessToken("owner@acme.test");
    await proxies.db.set("refuse");
    const api = await timedPost(request, token);
    expect(api).toEqual({
      status: 503,
      retryAfter: "30",
      body: { code: "database_unavailable", error: sentences.database_unavailable },
      ms: expect.any(Number),
    });
    expect(api.ms).toBeLessThan(DB_TIMEOUT_MS + SLACK_MS);
    console.log(`[measured] database down: API 503 after ${Math.round(api.ms)} ms`);
    await proxies.db.set("pass");
    expect((await timedPost(request, token)).status).toBe(200);
  });

  test("down, with JavaScript: Manage Billing shows the sentence in place, not the error page", async ({ page }) => {
    await signIn(page, "owner@acme.test");
    await proxies.db.set("refuse");
    const { alert } = await clickUntilAlert(page);
    await expect(alert).toHaveAttribute("data-code", "database_unavailable");
    await expect(alert).toHaveText(sentences.database_unavailable);
    await expect(page.getByRole("heading", { name: "Acme Inc" })).toBeVisible();
    await proxies.db.set("pass");
    await page.getByRole("button", { name: "Manage Billing" }).click();
    await expect(page).toHaveURL(new RegExp(`^${stripeUrl}/p/session/`));
  });

  test.describe("without JavaScript", () => {
    test.use({ javaScriptEnabled: false });

    test("down: /billing is a page that says so, sign-out works, and it recovers by itself", async ({ page }) => {
      await signIn(page, "owner@acme.test");
      await proxies.db.set("refuse");
      await page.goto("/billing");
      await expect(page.getByRole("heading", { name: "Billing", level: 1 })).toBeVisible();
      await expect(page.getByText("owner@acme.test")).toBeVisible();
      await expect(alertOf(page)).toHaveAttribute("data-code", "database_unavailable");
      await expect(alertOf(page)).toHaveText(sentences.database_unavailable);
      await expect(page.locator('meta[http-equiv="refresh"]')).toHaveAttribute("content", "30");

      await proxies.db.set("pass");
      await page.getByRole("link", { name: "Try again" }).click();
      await expect(page.getByRole("heading", { name: "Acme Inc" })).toBeVisible();

      await proxies.db.set("refuse");
      await page.goto("/billing");
      await expect(alertOf(page)).toHaveAttribute("data-code", "database_unavailable");
      await page.getByRole("button", { name: "Sign out" }).click();
      await expect(page).toHaveURL(/\/login$/);
    });
  });

  test("hung with open connections: 503 within the database timeout, then back by itself", async ({
    page,
    request,
  }) => {
    const token = await accessToken("owner@acme.test");
    expect((await timedPost(request, token)).status).toBe(200); // the pool's connections are open
    await proxies.db.set("hang");
    const api = await timedPost(request, token);
    expect(api).toMatchObject({ status: 503, retryAfter: "30", body: { code: "database_unavailable" } });
    expect(api.ms).toBeLessThan(DB_TIMEOUT_MS + SLACK_MS);
    await signIn(page, "owner@acme.test"); // lands on /billing, which shows the outage
    await expect(alertOf(page)).toHaveAttribute("data-code", "database_unavailable");
    console.log(`[measured] database hung: API 503 after ${Math.round(api.ms)} ms`);
    await proxies.db.set("pass");
    await expect(async () => {
      expect((await timedPost(request, token)).status).toBe(200);
    }).toPass({ timeout: 5000 });
    await page.reload();
    await expect(page.getByRole("heading", { name: "Acme Inc" })).toBeVisible();
  });
});

test.describe("the audit", () => {
  test("the database away for a few seconds right after a successful click: its row is still written", async ({
    page,
  }) => {
    await signIn(page, "owner@acme.test");
    const since = new Date();
    // Stripe holds the request while the database goes away, so the outage begins after the
    // click's own round trip and before the audit write that follows the response.
    await proxies.stripe.set("hang");
    await page.getByRole("button", { name: "Manage Billing" }).click();
    await expect.poll(() => proxies.stripe.stats().held, { intervals: [20] }).toBeGreaterThan(0);
    // "drop" accepts and resets each connection, so every retry of the audit write is counted.
    await proxies.db.set("drop");
    const connections = proxies.db.stats().connections;
    await proxies.stripe.set("pass");
    await expect(page).toHaveURL(new RegExp(`^${stripeUrl}/p/session/`));
    await expect.poll(() => proxies.db.stats().connections - connections, { timeout: 10_000 }).toBeGreaterThan(4);
    await proxies.db.set("pass");
    await expect
      .poll(() =>
        withDatabase(
          (sql) => sql<{ outcome: string }[]>`
            select a.outcome from public.portal_audit a join auth.users u on u.id = a.user_id
            where u.email = 'owner@acme.test' and a.created_at >= ${since}`,
        ),
      )
      .toEqual([{ outcome: "ok" }]);
  });

  test("refusals are counted per minute, and the owner sees them", async ({ page, request }) => {
    const member = await accessToken("member@acme.test");
    const counted = () =>
      withDatabase(async (sql) => {
        const [row] = await sql<{ attempts: number; rows: number }[]>`
          select coalesce(sum(a.attempts), 0)::int as attempts, count(*)::int as rows
          from public.portal_audit a join auth.users u on u.id = a.user_id
          where u.email = 'member@acme.test' and a.outcome = 'forbidden'`;
        return row!;
      });
    const before = await counted();
    for (let i = 0; i < 3; i++)
      expect(
        (await postPortal(request, { companyId: companies.acme.id }, { authorization: `Bearer ${member}` })).status,
      ).toBe(403);
    await expect.poll(async () => (await counted()).attempts - before.attempts).toBe(3);
    // Three refusals add one row (two if the minute turned meanwhile), not three.
    expect((await counted()).rows - before.rows).toBeLessThanOrEqual(2);
    await signIn(page, "owner@acme.test");
    const audit = page.getByRole("table", { name: "Recent portal attempts" });
    await expect(audit.getByRole("row").filter({ hasText: "member@acme.test" }).first()).toContainText(
      /forbidden ×\d+/,
    );
  });
});

test("the auth server down on a warm server: a signed-in user still opens the portal", async ({ page }) => {
  await signIn(page, "owner@acme.test"); // the JWKS is fetched and cached
  await proxies.auth.set("refuse");
  await page.getByRole("button", { name: "Manage Billing" }).click();
  await expect(page).toHaveURL(new RegExp(`^${stripeUrl}/p/session/`));
});
