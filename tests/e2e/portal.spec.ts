// The core path in Chromium against the production build: Manage Billing → the portal of
// exactly this company's Stripe customer → back to /billing.
import { expect, openBilling, signedInAs, test } from "./fixtures";
import { appUrl, badConfigUrl, realStripeTestMode, stripeUrl } from "./stack";
import { alertOf, auth, companies, openPortal, portalCustomer, stripe } from "./support";

test.skip(realStripeTestMode, "the local suite needs the Stripe stand-in; unset STRIPE_SECRET_KEY to run it");
test.use({ storageState: signedInAs("owner@acme.test") });

test("owner opens their company's portal and comes back to /billing", async ({ page }) => {
  await openBilling(page);
  await expect(page.getByRole("heading", { name: "Acme Inc" })).toBeVisible();
  await expect(page.getByTestId("role")).toHaveText("Owner");
  await expect(page.getByTestId("billing-status")).toHaveText("On file with Stripe");
  await openPortal(page);
  expect(await portalCustomer(page)).toBe(companies.acme.customer);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Acme Inc");
  await page.getByTestId("portal-return").click();
  await expect(page).toHaveURL(`${appUrl}/billing?company=${companies.acme.id}`);
  await expect(page.getByRole("heading", { name: "Acme Inc" })).toBeVisible();
});

test("once warm, one click costs exactly 1 Stripe call and 0 auth-server calls", async ({ page }) => {
  await openBilling(page);
  await openPortal(page); // warms the JWKS cache and the database pool
  await page.goto("/billing");
  await stripe.resetCounters();
  await auth.resetCounters();
  await openPortal(page);
  expect(await portalCustomer(page)).toBe(companies.acme.customer);
  const [s, a] = await Promise.all([stripe.counters(), auth.counters()]);
  const apiCalls = Object.fromEntries(Object.entries(s.calls).filter(([route, n]) => route.includes(" /v1/") && n > 0));
  expect(apiCalls).toEqual({ "POST /v1/billing_portal/sessions": 1 });
  expect(s.total).toBe(1);
  expect(s.sessionsCreated).toBe(1);
  expect(a.total).toBe(0);
});

test.describe("with JavaScript disabled", () => {
  test.use({ javaScriptEnabled: false });

  test("the form still opens the portal and the way back works", async ({ page }) => {
    await openBilling(page);
    await openPortal(page);
    expect(await portalCustomer(page)).toBe(companies.acme.customer);
    await page.getByTestId("portal-return").click();
    await expect(page).toHaveURL(`${appUrl}/billing?company=${companies.acme.id}`);
  });

  test("a refusal is still shown as an alert", async ({ pageAs }) => {
    const page = await pageAs("owner@umbrella.test");
    await page.getByRole("button", { name: "Manage Billing" }).click();
    await expect(alertOf(page)).toHaveAttribute("data-code", "customer_not_found");
  });
});

for (const [email, role] of [
  ["admin@acme.test", "Admin"],
  ["billing@acme.test", "Billing manager"],
] as const) {
  test(`${role} may open the portal too`, async ({ pageAs }) => {
    const page = await pageAs(email);
    await expect(page.getByTestId("role")).toHaveText(role);
    await openPortal(page);
    expect(await portalCustomer(page)).toBe(companies.acme.customer);
  });
}

test("a member sees why not and whom to ask, and the API refuses them", async ({ pageAs }) => {
  const page = await pageAs("member@acme.test");
  await expect(page.getByTestId("role")).toHaveText("Member");
  await expect(page.getByRole("button", { name: "Manage Billing" })).toHaveCount(0);
  const note = page.getByRole("note");
  await expect(note).toContainText("Only owners, admins and billing managers can open the billing portal");
  await expect(note.getByRole("link", { name: "owner@acme.test" })).toHaveAttribute("href", "mailto:owner@acme.test");
  await stripe.resetCounters();
  const res = await page.request.post("/api/portal", {
    data: { companyId: companies.acme.id },
    failOnStatusCode: false,
  });
  expect(res.status()).toBe(403);
  expect(await res.json()).toEqual({ code: "forbidden", error: expect.stringContaining("can't manage billing") });
  expect((await stripe.counters()).total).toBe(0);
});

test("a user of two companies picks one and gets each one's own portal", async ({ pageAs }) => {
  const page = await pageAs("both@example.test");
  const picker = page.getByRole("navigation", { name: "Your companies" });
  await expect(picker.getByRole("link")).toHaveText(["Acme Inc", "Globex Corp"]);
  await expect(page.getByRole("button", { name: "Manage Billing" })).toHaveCount(0);

  await picker.getByRole("link", { name: "Globex Corp" }).click();
  await expect(page.getByTestId("role")).toHaveText("Billing manager");
  await openPortal(page);
  expect(await portalCustomer(page)).toBe(companies.globex.customer);
  await page.getByTestId("portal-return").click();
  await expect(page).toHaveURL(`${appUrl}/billing?company=${companies.globex.id}`);

  await page.getByRole("navigation", { name: "Your companies" }).getByRole("link", { name: "Acme Inc" }).click();
  await expect(page.getByTestId("role")).toHaveText("Admin");
  await openPortal(page);
  expect(await portalCustomer(page)).toBe(companies.acme.customer);
});

test("a company without a Stripe customer says so, on the page and from the API", async ({ pageAs }) => {
  const page = await pageAs("owner@initech.test");
  await expect(page.getByTestId("billing-status")).toHaveText("None yet");
  await expect(page.locator('[data-code="no_billing_account"]')).toContainText("no billing account yet");
  await expect(page.getByRole("button", { name: "Manage Billing" })).toHaveCount(0);
  const res = await page.request.post("/api/portal", { data: {}, failOnStatusCode: false });
  expect(res.status()).toBe(409);
  expect((await res.json()).code).toBe("no_billing_account");
});

test("a customer deleted in Stripe gets a clear message", async ({ pageAs }) => {
  const page = await pageAs("owner@umbrella.test");
  await page.getByRole("button", { name: "Manage Billing" }).click();
  const alert = alertOf(page);
  await expect(alert).toHaveAttribute("data-code", "customer_not_found");
  await expect(alert).toHaveText(
    "This company's billing account no longer exists in Stripe. Contact support to link a new one.",
  );
  await expect(page).toHaveURL(/\/billing$/);
});

test("no portal configuration in Stripe: 'Portal configuration not set up' and what to do", async ({ page }) => {
  await openBilling(page);
  await stripe.config({ defaultConfiguration: false });
  await page.getByRole("button", { name: "Manage Billing" }).click();
  const alert = alertOf(page);
  await expect(alert).toHaveAttribute("data-code", "portal_not_configured");
  await expect(alert).toContainText("Portal configuration not set up");
  await expect(alert).toContainText("Customer portal");
  await expect(alert).not.toContainText("dashboard.stripe.com"); // Stripe's raw text stays in the log
  await stripe.config({ defaultConfiguration: true });
  await openPortal(page);
});

test("Stripe failing twice then succeeding: the retries make one portal session", async ({ page }) => {
  await openBilling(page);
  await stripe.resetCounters();
  // The stand-in creates the session, then drops the connection: only the idempotency key
  // keeps the SDK's retries from creating a second and third session.
  await stripe.fault({ count: 2, mode: "drop" });
  await openPortal(page);
  expect(await portalCustomer(page)).toBe(companies.acme.customer);
  const counters = await stripe.counters();
  expect(counters.calls["POST /v1/billing_portal/sessions"]).toBe(3);
  expect(counters.sessionsCreated).toBe(1);
});

test("Stripe down: a clear message, and the page stays usable", async ({ page }) => {
  await openBilling(page);
  await stripe.fault({ count: 100, mode: "status", status: 500 });
  await page.getByRole("button", { name: "Manage Billing" }).click();
  const alert = alertOf(page);
  await expect(alert).toHaveAttribute("data-code", "stripe_unavailable");
  await expect(alert).toHaveText(
    "Stripe isn't responding right now, so the billing portal can't open. Please try again in a minute.",
  );
  await expect(page.getByRole("heading", { name: "Acme Inc" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Manage Billing" })).toBeEnabled();
  await stripe.clearFaults();
  await openPortal(page);
});

test("an expired portal session: the portal says so, and a new click opens a fresh one", async ({ page }) => {
  // Sessions that live 0 s: expired from the start, so the test need not wait for time to pass.
  await stripe.config({ sessionTtlSeconds: 0 });
  await openBilling(page);
  await openPortal(page);
  const first = page.url();
  const expired = await page.reload();
  expect(expired?.status()).toBe(410);
  await expect(page.getByRole("heading", { name: "This portal session has expired" })).toBeVisible();
  await page.getByTestId("portal-return").click();
  await expect(page).toHaveURL(`${appUrl}/billing?company=${companies.acme.id}`);
  await stripe.config({ sessionTtlSeconds: 300 });
  await openPortal(page);
  expect(page.url()).not.toBe(first);
  expect(await portalCustomer(page)).toBe(companies.acme.customer);
});

test("STRIPE_PORTAL_CONFIG_ID set to an id Stripe doesn't know: 'Portal configuration not set up'", async ({
  page,
}) => {
  // The saved session's cookies are for localhost, so the second server on another port takes them too.
  await openBilling(page, `${badConfigUrl}/billing`);
  await expect(page).toHaveURL(`${badConfigUrl}/billing`);
  await stripe.resetCounters();
  await page.getByRole("button", { name: "Manage Billing" }).click();
  const alert = alertOf(page);
  await expect(alert).toHaveAttribute("data-code", "portal_not_configured");
  await expect(alert).toContainText("Portal configuration not set up");
  expect((await stripe.counters()).calls["POST /v1/billing_portal/sessions"]).toBe(1);
  expect(
    (await stripe.sessions()).some(
      (s) => s.customer === companies.acme.customer && s.return_url.startsWith(badConfigUrl),
    ),
  ).toBe(false);
});

test("while Stripe answers, the button shows a pending state", async ({ page }) => {
  await openBilling(page);
  await stripe.fault({ count: 1, mode: "latency", ms: 1500 });
  const button = page.getByRole("button", { name: "Manage Billing" });
  await button.click();
  const pending = page.getByRole("button", { name: "Opening the billing portal…" });
  await expect(pending).toBeDisabled();
  await expect(pending).toHaveAttribute("aria-busy", "true");
  await expect(page).toHaveURL(new RegExp(`^${stripeUrl}/p/session/`));
});

test("Stripe rate-limiting us: retried as Stripe advises, then stripe_unavailable", async ({ page }) => {
  await openBilling(page);
  await stripe.resetCounters();
  // Stripe marks a retryable 429 with Stripe-Should-Retry; the SDK retries those (2 retries configured).
  await stripe.fault({ count: 10, mode: "status", status: 429, headers: { "Stripe-Should-Retry": "true" } });
  await page.getByRole("button", { name: "Manage Billing" }).click();
  await expect(alertOf(page)).toHaveAttribute("data-code", "stripe_unavailable");
  expect((await stripe.counters()).calls["POST /v1/billing_portal/sessions"]).toBe(3);
});
