// Billing status kept current by Stripe's webhooks, deep links into the portal, the audit
// log and the rate limit: the stand-in's hosted portal changes things and sends signed events.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { appUrl, realStripeTestMode, stripeUrl } from "./stack";
import { accessToken, alertOf, companies, postPortal, stripe, withDatabase } from "./support";

test.skip(realStripeTestMode, "the local suite needs the Stripe stand-in; unset STRIPE_SECRET_KEY to run it");

async function portalFlow(page: Page) {
  await expect(page).toHaveURL(new RegExp(`^${stripeUrl}/p/session/`));
  return page.getByTestId("portal-flow").textContent();
}

/** Waits until the stand-in has delivered every event, then shows /billing afresh. */
async function reloadAfterWebhooks(page: Page) {
  await stripe.flush();
  await page.reload();
}

test("cancelling in the portal shows the scheduled cancellation on the billing page", async ({ pageAs }) => {
  const page = await pageAs("owner@globex.test");
  await expect(page.getByTestId("subscription-status")).toHaveText("Trialing");
  await expect(page.getByTestId("trial-ends")).toBeVisible();
  await page.getByRole("button", { name: "Cancel subscription" }).click();
  expect(await portalFlow(page)).toBe("subscription_cancel");
  await page.getByRole("button", { name: "Confirm cancellation" }).click();
  await expect(page).toHaveURL(`${appUrl}/billing?company=${companies.globex.id}`);
  await reloadAfterWebhooks(page);
  await expect(page.getByTestId("cancels-on")).toHaveText(/^Cancels on [A-Z][a-z]{2} \d{1,2}, \d{4}$/);
  await expect(page.getByRole("button", { name: "Cancel subscription" })).toHaveCount(0);
});

test("a failed payment shows the past-due banner, whose button lands on the payment-method flow", async ({
  pageAs,
}) => {
  await stripe.simulate(companies.acme.customer, "payment_failed");
  const page = await pageAs("owner@acme.test");
  await reloadAfterWebhooks(page);
  const banner = page.getByRole("region", { name: "Payment overdue" });
  await expect(banner).toContainText("The last payment failed");
  await expect(page.getByTestId("subscription-status")).toHaveText("Past due");
  await banner.getByRole("button", { name: "Update payment method now" }).click();
  expect(await portalFlow(page)).toBe("payment_method_update");
  await page.getByRole("button", { name: "Use Mastercard ending 4444" }).click();
  await expect(page).toHaveURL(`${appUrl}/billing?company=${companies.acme.id}`);
  await reloadAfterWebhooks(page);
  await expect(page.getByTestId("subscription-status")).toHaveText("Active");
  await expect(page.getByTestId("card")).toHaveText(/^Mastercard •••• 4444/);
  await expect(page.getByRole("region", { name: "Payment overdue" })).toHaveCount(0);
});

test("each deep link lands on its own flow, and a plan change shows up on the page", async ({ pageAs }) => {
  const page = await pageAs("owner@acme.test");
  for (const [button, flow] of [
    ["Update payment method", "payment_method_update"],
    ["Cancel subscription", "subscription_cancel"],
    ["Change plan", "subscription_update"],
  ] as const) {
    await page.getByRole("button", { name: button, exact: true }).click();
    expect(await portalFlow(page), button).toBe(flow);
    if (flow !== "subscription_update") {
      await page.getByTestId("portal-return").click();
      await expect(page).toHaveURL(`${appUrl}/billing?company=${companies.acme.id}`);
    }
  }
  await page.getByRole("button", { name: "Switch to Business" }).click();
  await expect(page).toHaveURL(`${appUrl}/billing?company=${companies.acme.id}`);
  await reloadAfterWebhooks(page);
  await expect(page.getByTestId("plan")).toContainText("Business · $199.00 per month");
});

test("the API takes the same deep links, and refuses one that does not apply", async ({ request }) => {
  const owner = await accessToken("owner@acme.test");
  const ok = await postPortal(request, { flow: "subscription_update" }, { authorization: `Bearer ${owner}` });
  expect(ok.status).toBe(200);
  expect((await stripe.sessions()).at(-1)).toMatchObject({
    customer: companies.acme.customer,
    flow_type: "subscription_update",
  });
  const initech = await accessToken("owner@initech.test");
  expect(
    (await postPortal(request, { flow: "subscription_cancel" }, { authorization: `Bearer ${initech}` })).body.code,
  ).toBe("no_billing_account");
  const globex = await accessToken("owner@globex.test");
  await stripe.simulate(companies.globex.customer, "cancel_now");
  await stripe.flush();
  const none = await postPortal(
    request,
    { companyId: companies.globex.id, flow: "subscription_cancel" },
    { authorization: `Bearer ${globex}` },
  );
  expect(none).toEqual({
    status: 400,
    body: { code: "invalid_request", error: "There is no active subscription to cancel." },
  });
  expect((await postPortal(request, { flow: "refund_everything" }, { authorization: `Bearer ${owner}` })).status).toBe(
    400,
  );
});

test("owners see who opened the portal, refusals included; members don't see the list", async ({ pageAs }) => {
  const member = await pageAs("member@acme.test");
  await expect(member.getByRole("table", { name: "Recent portal attempts" })).toHaveCount(0);
  await member.request.post("/api/portal", { data: {}, failOnStatusCode: false });
  await member.close();

  const page = await pageAs("owner@acme.test");
  await page.getByRole("button", { name: "Manage Billing" }).click();
  await expect(page).toHaveURL(new RegExp(`^${stripeUrl}/p/session/`));
  // The audit rows are written just after each response: look again until they are there.
  await expect(async () => {
    await page.goto("/billing");
    const audit = page.getByRole("table", { name: "Recent portal attempts" });
    await expect(audit.getByRole("row").filter({ hasText: "member@acme.test" }).first()).toContainText("forbidden", {
      timeout: 1000,
    });
    await expect(audit.getByRole("row").filter({ hasText: "owner@acme.test" }).first()).toContainText("opened", {
      timeout: 1000,
    });
  }).toPass({ timeout: 10_000 });
});

test("no attempt is lost from the audit log when many arrive at once", async ({ request }) => {
  const token = await accessToken("billing@acme.test");
  // Refusals are counted per minute in one row (attempts), so compare totals before and after.
  const totals = async () =>
    Object.fromEntries(
      (
        await withDatabase(
          (sql) => sql<{ outcome: string; n: number }[]>`
          select outcome, sum(attempts)::int as n from public.portal_audit a join auth.users u on u.id = a.user_id
          where u.email = 'billing@acme.test' group by outcome`,
        )
      ).map((r) => [r.outcome, r.n]),
    );
  const before = await totals();
  const results = await Promise.all(
    Array.from({ length: 15 }, () => postPortal(request, {}, { authorization: `Bearer ${token}` })),
  );
  expect(results.filter((r) => r.status === 200)).toHaveLength(10);
  expect(results.filter((r) => r.status === 429)).toHaveLength(5);
  const added = async () => {
    const now = await totals();
    return Object.fromEntries(
      Object.keys(now)
        .map((k) => [k, now[k]! - (before[k] ?? 0)])
        .filter(([, n]) => n !== 0),
    );
  };
  await expect.poll(added).toEqual({ ok: 10, rate_limited: 5 });
});

test("the eleventh portal session in a minute is refused, saying when to try again", async ({ pageAs }) => {
  const page = await pageAs("admin@acme.test");
  for (let i = 0; i < 10; i++) expect((await page.request.post("/api/portal", { data: {} })).status()).toBe(200);
  await page.getByRole("button", { name: "Manage Billing" }).click();
  const alert = alertOf(page);
  await expect(alert).toHaveAttribute("data-code", "rate_limited");
  await expect(alert).toHaveText(
    /^The billing portal was opened 10 times in the last minute\. Please try again in \d+ seconds?\.$/,
  );
  const api = await page.request.post("/api/portal", { data: {}, failOnStatusCode: false });
  expect(api.status()).toBe(429);
  expect(Number(api.headers()["retry-after"])).toBeGreaterThan(0);
  expect((await api.json()).code).toBe("rate_limited");
});

test("deliveries that fail first or arrive twice are applied once", async ({ pageAs }) => {
  await stripe.webhookFaults("fail_first", 1);
  await stripe.webhookFaults("duplicate", 3);
  const { events } = await stripe.simulate(companies.acme.customer, "renew");
  await stripe.flush();
  const deliveries = (await stripe.deliveries()).filter((d) => events.some((e) => e.id === d.event));
  expect(deliveries.every((d) => d.delivered)).toBe(true);
  expect(deliveries.flatMap((d) => d.attempts.map((a) => a.status))).toContain(400);
  const recorded = await withDatabase(
    (sql) => sql<{ id: string }[]>`select id from public.stripe_events where id in ${sql(events.map((e) => e.id))}`,
  );
  expect(recorded.map((r) => r.id).sort()).toEqual(events.map((e) => e.id).sort());
  const page = await pageAs("owner@acme.test");
  await expect(page.getByTestId("subscription-status")).toHaveText("Active");
});
