// Subscribe in Chromium, through the Stripe stand-in's hosted Checkout page: Initech (no billing
// account yet) picks a plan and pays, and /billing shows the plan before any webhook arrives;
// declined cards, cancel, members, a company that already subscribes, two managers at once,
// and the whole flow with JavaScript off. Each test starts from the reset stack (fixtures.ts).
import { expect, openBilling, signedInAs, test } from "./fixtures";
import { CHECKOUT_PAGE, checkoutSessions, payOnCheckout, stripeApi, webhooks } from "./checkout-support";
import { appUrl, realStripeTestMode } from "./stack";
import { accessToken, alertOf, companies, withDatabase } from "./support";

test.skip(realStripeTestMode, "the local suite needs the Stripe stand-in; unset STRIPE_SECRET_KEY to run it");
test.use({ storageState: signedInAs("owner@initech.test") });

const INITECH = companies.initech.id;
const BACK = new RegExp(`^${appUrl}/billing\\?company=${INITECH}&checkout_session=cs_test_`);

const BILLING_TABLES = ["billing_customers", "billing_subscriptions", "billing_payment_methods", "billing_invoices"];

const initechRows = () =>
  withDatabase(async (sql) => ({
    customer: (await sql`select stripe_customer_id from public.companies where id = ${INITECH}`)[0]?.stripe_customer_id,
    subscriptions: await sql`select stripe_subscription_id as id, status from public.billing_subscriptions
                             where company_id = ${INITECH}`,
    events: await sql<{ type: string; outcome: string; detail: string | null }[]>`
      select type, outcome, detail from public.stripe_events where company_id = ${INITECH} order by received_at`,
    // What the page shows of billing, without the version columns (which may move to a later second).
    billing: await Promise.all(
      BILLING_TABLES.map(
        (table) => sql`select to_jsonb(t) - 'stripe_event_at' - 'synced_at' as row from ${sql("public." + table)} t
                       where company_id = ${INITECH} order by t::text`,
      ),
    ),
  }));

async function expectActivePro(page: import("@playwright/test").Page, status = "Active") {
  await expect(page.getByTestId("subscription-status")).toHaveText(status);
  await expect(page.getByTestId("plan")).toContainText("Pro");
  await expect(page.getByTestId("card")).toContainText("4242");
  await expect(page.getByTestId("plan-card")).toHaveCount(0);
}

test("Initech's owner pays with 4242 and sees Active before any webhook; released, the webhooks change nothing", async ({
  page,
}) => {
  await webhooks.hold();
  await openBilling(page);
  await expect(page.getByTestId("billing-status")).toHaveText("None yet");
  await page.getByRole("button", { name: "Choose Pro · $49.00 / month" }).click();
  await expect(page).toHaveURL(CHECKOUT_PAGE);
  await expect(page.getByTestId("checkout-product")).toHaveText("Pro");
  await expect(page.getByTestId("checkout-email")).toHaveText("owner@initech.test");
  await payOnCheckout(page, "4242 4242 4242 4242");

  await expect(page).toHaveURL(BACK);
  await expect(page.getByTestId("checkout-notice")).toHaveText("You're subscribed. Thank you!");
  await expectActivePro(page);
  const written = await initechRows();
  expect(written.subscriptions).toEqual([{ id: expect.stringMatching(/^sub_/), status: "active" }]);
  expect(written.events).toEqual([]); // nothing has arrived: the page wrote it
  expect(await webhooks.pending()).toBe(7);

  await webhooks.release();
  const after = await initechRows();
  expect(after.billing).toEqual(written.billing);
  expect(after.events.map((e) => e.type).sort()).toEqual(
    [
      "checkout.session.completed",
      "customer.created",
      "customer.subscription.created",
      "customer.subscription.updated",
      "invoice.finalized",
      "invoice.paid",
      "payment_method.attached",
    ].sort(),
  );
  // Older than what the page read (stale), of its second and settled by reading Stripe again, or
  // (customer.created, made at the click) a snapshot that says what the row says already.
  for (const e of after.events)
    expect([e.type, e.outcome], e.detail ?? "").toEqual([e.type, expect.stringMatching(/^(stale|applied)$/)]);
  expect(after.events.find((e) => e.type === "checkout.session.completed")).toMatchObject({ outcome: "stale" });
  await page.reload();
  await expectActivePro(page);
});

test("a trial price: its plan arrives by webhook, Checkout starts the trial, the page says Trialing", async ({
  page,
}) => {
  const product = await stripeApi.products.create({ name: "Scale", marketing_features: [{ name: "SAML SSO" }] });
  await stripeApi.prices.create({
    product: product.id,
    currency: "usd",
    unit_amount: 9900,
    recurring: { interval: "month" },
    metadata: { trial_days: "14" },
  });
  await webhooks.flush(); // product.created and price.created reach the app's catalog
  await openBilling(page);
  const plan = page.getByTestId("plan-card").filter({ hasText: "Scale" });
  await expect(plan.getByTestId("plan-trial")).toHaveText("14-day free trial");
  await plan.getByRole("button", { name: "Choose Scale · $99.00 / month" }).click();
  await expect(page.getByTestId("checkout-trial")).toHaveText("14 days free");
  await payOnCheckout(page, "4242424242424242", "Start trial");
  await expect(page).toHaveURL(BACK);
  await expect(page.getByTestId("checkout-notice")).toHaveText("Your trial has started.");
  await expect(page.getByTestId("subscription-status")).toHaveText("Trialing");
  await expect(page.getByTestId("trial-ends")).toBeVisible();
});

test("a declined card: Stripe's message on Checkout; back on /billing nothing changed", async ({ page }) => {
  await openBilling(page);
  await page.getByRole("button", { name: "Choose Starter · $10.00 / month" }).click();
  await payOnCheckout(page, "4000 0000 0000 0002");
  await expect(page).toHaveURL(CHECKOUT_PAGE);
  await expect(page.getByRole("alert")).toHaveText("Your card was declined.");
  await page.getByTestId("checkout-back").click();
  await expect(page).toHaveURL(`${appUrl}/billing?company=${INITECH}&checkout=canceled`);
  await expect(page.getByRole("status").filter({ hasText: "No plan was chosen." })).toBeVisible();
  await expect(page.getByTestId("plan-card")).toHaveCount(3);
  await expect(page.getByTestId("subscription-status")).toHaveCount(0);
  expect((await initechRows()).subscriptions).toEqual([]);
});

test("cancel on Checkout: 'No plan was chosen', and the session stays unpaid", async ({ page }) => {
  await openBilling(page);
  await page.getByRole("button", { name: "Choose Business · $199.00 / month" }).click();
  await expect(page).toHaveURL(CHECKOUT_PAGE);
  await page.getByTestId("checkout-back").click();
  await expect(page.getByRole("status").filter({ hasText: "No plan was chosen." })).toBeVisible();
  await expect(page.getByTestId("plan-card")).toHaveCount(3);
  expect((await checkoutSessions()).map((s) => s.status)).toEqual(["open"]);
});

test("a member sees no Subscribe form, and the API answers 403 forbidden", async ({ pageAs, request }) => {
  await withDatabase(
    (sql) =>
      sql`insert into public.company_members (company_id, user_id, role) values (${INITECH}, '11111111-1111-4111-8111-000000000004', 'member')`,
  );
  const page = await pageAs("member@acme.test");
  await page.goto(`/billing?company=${INITECH}`);
  await expect(page.getByTestId("plan-card")).toHaveCount(3);
  await expect(page.getByRole("button", { name: /^Choose / })).toHaveCount(0);
  const res = await request.post("/api/checkout", {
    data: { companyId: INITECH, price: "price_pro_monthly" },
    headers: { authorization: `Bearer ${await accessToken("member@acme.test")}` },
    failOnStatusCode: false,
  });
  expect(res.status()).toBe(403);
  expect(await res.json()).toMatchObject({ code: "forbidden" });
  expect(await checkoutSessions()).toEqual([]);
});

test("a company that subscribed meanwhile gets the portal's Change plan, not a second Checkout", async ({
  page,
  pageAs,
}) => {
  await openBilling(page); // this tab still offers the plans
  const other = await pageAs("owner@initech.test");
  await other.getByRole("button", { name: "Choose Pro · $49.00 / month" }).click();
  await payOnCheckout(other, "4242424242424242");
  await expect(other).toHaveURL(BACK);

  await page.getByRole("button", { name: "Choose Business · $199.00 / month" }).click();
  await expect(page).toHaveURL(/\/p\/session\//);
  await expect(page.getByTestId("portal-flow")).toHaveText("subscription_update");
  const customer = (await initechRows()).customer as string;
  expect((await stripeApi.subscriptions.list({ customer })).data).toHaveLength(1);
  expect((await checkoutSessions()).filter((s) => s.status === "open")).toEqual([]);
});

test("two managers subscribing at the same moment make one customer and one subscription", async ({ page, pageAs }) => {
  await withDatabase(
    (sql) =>
      sql`insert into public.company_members (company_id, user_id, role) values (${INITECH}, '11111111-1111-4111-8111-000000000006', 'admin')`,
  );
  await openBilling(page);
  const second = await pageAs("both@example.test");
  await second.goto(`/billing?company=${INITECH}`);
  const choose = (p: typeof page) => p.getByRole("button", { name: "Choose Pro · $49.00 / month" }).click();
  await Promise.all([choose(page), choose(second)]);
  // Each tab lands on a Checkout page, or is told another manager is already at it; only the newest
  // session stays open (a tab may show one the other click expired right after it loaded).
  for (const p of [page, second])
    await expect(p.getByTestId("checkout-product").or(p.getByTestId("checkout-status")).or(alertOf(p))).toBeVisible();
  const open = (await checkoutSessions()).filter((s) => s.status === "open");
  expect(open).toHaveLength(1);
  const payer = [page, second].find((p) => p.url().endsWith(open[0]!.id))!;
  await payOnCheckout(payer, "4242424242424242");
  await expect(payer).toHaveURL(BACK);

  const rows = await initechRows();
  const customers = (await stripeApi.customers.list({ limit: 100 })).data.filter(
    (c) => c.metadata.company_id === INITECH,
  );
  expect(customers.map((c) => c.id)).toEqual([rows.customer]);
  expect((await stripeApi.subscriptions.list({ customer: rows.customer as string })).data).toHaveLength(1);
  expect(rows.subscriptions).toHaveLength(1);
});

test.describe("with JavaScript disabled", () => {
  test.use({ javaScriptEnabled: false });

  test("the whole flow works: choose, pay, back on /billing as Active", async ({ page }) => {
    await openBilling(page);
    await page.getByRole("button", { name: "Choose Pro · $49.00 / month" }).click();
    await payOnCheckout(page, "4242 4242 4242 4242");
    await expect(page).toHaveURL(BACK);
    await expectActivePro(page);
  });
});
