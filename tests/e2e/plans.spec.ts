// The plans a company without a subscription can choose, and what Subscribe refuses before Stripe
// Checkout. Paying through Checkout is subscribe.spec.ts.
import type { APIRequestContext } from "@playwright/test";
import { expect, openBilling, signedInAs, test } from "./fixtures";
import { realStripeTestMode } from "./stack";
import { accessToken, companies, stripe, withDatabase } from "./support";

test.skip(realStripeTestMode, "the local suite needs the Stripe stand-in; unset STRIPE_SECRET_KEY to run it");
test.use({ storageState: signedInAs("owner@initech.test") });

const postCheckout = async (request: APIRequestContext, body: unknown, token?: string) => {
  const res = await request.post("/api/checkout", {
    data: body,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    failOnStatusCode: false,
  });
  return { status: res.status(), body: (await res.json()) as { url?: string; destination?: string; code?: string } };
};

test("a company without a plan lists the catalog, cheapest first, with a form per price; the page asks Stripe nothing", async ({
  page,
}) => {
  await stripe.resetCounters();
  await openBilling(page);
  const plans = page.getByTestId("plan-card");
  await expect(plans).toHaveCount(3);
  await expect(plans.nth(0)).toContainText("Starter");
  await expect(plans.nth(0).getByTestId("plan-prices")).toContainText("$10.00 per month");
  await expect(plans.nth(2)).toContainText("Business");
  await expect(page.getByRole("button", { name: "Choose Pro · $49.00 / month" })).toBeEnabled();
  expect((await stripe.counters()).total).toBe(0);
});

test("a member sees the plans and whom to ask, but no Subscribe form", async ({ pageAs }) => {
  await withDatabase(
    (sql) =>
      sql`insert into public.company_members (company_id, user_id) values (${companies.initech.id}, '11111111-1111-4111-8111-000000000004')`,
  );
  const page = await pageAs("member@acme.test");
  await page.goto(`/billing?company=${companies.initech.id}`);
  await expect(page.getByTestId("plan-card")).toHaveCount(3);
  await expect(page.getByRole("button", { name: /^Choose / })).toHaveCount(0);
  const note = page.getByRole("note").filter({ hasText: "Only owners" });
  await expect(note).toContainText("Only owners, admins and billing managers can choose a plan.");
  await expect(note.getByRole("link", { name: "owner@initech.test" })).toHaveAttribute(
    "href",
    "mailto:owner@initech.test",
  );
});

test("back from Checkout with cancel: 'No plan was chosen'", async ({ page }) => {
  await page.goto(`/billing?company=${companies.initech.id}&checkout=canceled`);
  await expect(page.getByRole("status").filter({ hasText: "No plan was chosen." })).toBeVisible();
  await expect(page.getByTestId("plan-card")).toHaveCount(3);
});

test("a company that already subscribes sees no plans, and Subscribe sends it to the portal instead", async ({
  pageAs,
  request,
}) => {
  const page = await pageAs("owner@acme.test");
  await expect(page.getByTestId("subscription-status")).toBeVisible();
  await expect(page.getByTestId("plan-card")).toHaveCount(0);
  const res = await postCheckout(request, { price: "price_business_monthly" }, await accessToken("owner@acme.test"));
  expect(res).toMatchObject({ status: 200, body: { destination: "portal" } });
  const [session] = (await stripe.sessions()).slice(-1);
  expect(session?.customer).toBe(companies.acme.customer);
});

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("POST /api/checkout refuses what it must, with the list's codes", async ({ request }) => {
    const initech = await accessToken("owner@initech.test");
    await stripe.resetCounters();
    expect(await postCheckout(request, { price: "price_pro_monthly" })).toMatchObject({
      status: 401,
      body: { code: "unauthenticated" },
    });
    expect(await postCheckout(request, { price: "price_nope" }, initech)).toMatchObject({
      status: 404,
      body: { code: "plan_not_found" },
    });
    expect(
      await postCheckout(request, { price: "price_pro_monthly", customer: "cus_AcmeDemo000001" }, initech),
    ).toMatchObject({
      status: 400,
      body: { code: "invalid_request" },
    });
    const get = await request.get("/api/checkout", { failOnStatusCode: false });
    expect(get.status()).toBe(405);
    expect(get.headers().allow).toBe("POST");
    expect((await stripe.counters()).total).toBe(0);
  });
});
