// Who may ask for what: signed-out visitors, API clients, forged requests, return URLs.
import type { Page } from "@playwright/test";
import { expect, openBilling, signedInAs, test } from "./fixtures";
import { appUrl, ports, realStripeTestMode, stripeUrl } from "./stack";
import { accessToken, alertOf, companies, portalCustomer, postPortal, stripe } from "./support";

test.skip(realStripeTestMode, "the local suite needs the Stripe stand-in; unset STRIPE_SECRET_KEY to run it");

test("a signed-out visitor is sent to sign in, then back to /billing", async ({ page }) => {
  await page.goto("/billing");
  await expect(page).toHaveURL(`${appUrl}/login?next=%2Fbilling`);
  await page.getByLabel("Email").fill("owner@acme.test");
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(alertOf(page)).toHaveText("That email and password don't match an account.");
  await page.getByLabel("Password").fill("password123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${appUrl}/billing`);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(`${appUrl}/login`);
  await page.goto("/billing");
  await expect(page).toHaveURL(/\/login\?next=/);
});

test("the API answers 401 without a session or with a bad token", async ({ request }) => {
  expect(await postPortal(request, {})).toEqual({
    status: 401,
    body: { code: "unauthenticated", error: "Please sign in to manage billing." },
  });
  const forged = await postPortal(
    request,
    {},
    {
      authorization:
        "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMTExMTExMS0xMTExLTQxMTEtODExMS0wMDAwMDAwMDAwMDEiLCJyb2xlIjoiYXV0aGVudGljYXRlZCJ9.x",
    },
  );
  expect(forged.status).toBe(401);
  expect((await postPortal(request, {}, { authorization: "Basic abc" })).status).toBe(401);
});

test("an API client with a Bearer token gets the portal URL of its company", async ({ request }) => {
  const token = await accessToken("owner@acme.test");
  const res = await postPortal(request, { returnUrl: "/billing?from=api" }, { authorization: `Bearer ${token}` });
  expect(res.status).toBe(200);
  expect(Object.keys(res.body)).toEqual(["url"]);
  expect(res.body.url).toMatch(new RegExp(`^${stripeUrl}/p/session/`));
  const [session] = (await stripe.sessions()).slice(-1);
  expect(session).toMatchObject({ customer: companies.acme.customer, return_url: `${appUrl}/billing?from=api` });
});

test("wrong method 405, non-JSON or malformed body 400", async ({ request }) => {
  const token = await accessToken("owner@acme.test");
  const headers = { authorization: `Bearer ${token}` };
  const get = await request.get("/api/portal", { headers, failOnStatusCode: false });
  expect(get.status()).toBe(405);
  expect(get.headers().allow).toBe("POST");
  expect((await get.json()).code).toBe("invalid_request");
  for (const [body, type] of [
    ["companyId=x", "application/x-www-form-urlencoded"],
    ["{not json", "application/json"],
    ["[1,2]", "application/json"],
  ] as const) {
    const res = await request.post("/api/portal", {
      data: body,
      headers: { ...headers, "content-type": type },
      failOnStatusCode: false,
    });
    expect(res.status()).toBe(400);
    expect((await res.json()).code).toBe("invalid_request");
  }
});

test("a customerId sent to the API is refused, and no Stripe call is made", async ({ request }) => {
  const token = await accessToken("owner@acme.test");
  await stripe.resetCounters();
  const res = await postPortal(
    request,
    { customerId: companies.globex.customer },
    { authorization: `Bearer ${token}` },
  );
  expect(res).toEqual({
    status: 400,
    body: {
      code: "invalid_request",
      error: expect.stringContaining("the server derives the Stripe customer from the company"),
    },
  });
  expect((await stripe.counters()).total).toBe(0);
});

const manageBillingForm = (page: Page) =>
  page.locator("form").filter({ has: page.getByRole("button", { name: "Manage Billing" }) });

const hostileReturnUrls = [
  "https://evil.example.net/phish",
  "//evil.example.net/billing",
  "/\\evil.example.net",
  `https://localhost:${ports.app}.evil.net/`,
  `${appUrl}@evil.example.net/`,
  "javascript:alert(document.cookie)",
  "data:text/html,<script>alert(1)</script>",
  `http://127.0.0.1:${ports.app}/billing`,
  "billing",
];

test.describe("signed in as Acme's owner", () => {
  test.use({ storageState: signedInAs("owner@acme.test") });

  test("company A's user asking for company B gets company_not_found, by API, URL or a forged form", async ({
    page,
  }) => {
    await openBilling(page);
    await stripe.resetCounters();
    const api = await page.request.post("/api/portal", {
      data: { companyId: companies.globex.id },
      failOnStatusCode: false,
    });
    expect(api.status()).toBe(404);
    expect((await api.json()).code).toBe("company_not_found");

    await page.goto(`/billing?company=${companies.globex.id}`);
    await expect(alertOf(page)).toHaveAttribute("data-code", "company_not_found");
    await expect(page.getByText("Globex Corp")).toHaveCount(0);

    await page.goto("/billing");
    await manageBillingForm(page)
      .locator('input[name="companyId"]')
      .evaluate((el, id) => ((el as HTMLInputElement).value = id), companies.globex.id);
    await page.getByRole("button", { name: "Manage Billing" }).click();
    await expect(alertOf(page)).toHaveAttribute("data-code", "company_not_found");
    expect((await stripe.counters()).total).toBe(0);
  });

  test("a customerId smuggled into the form is refused too", async ({ page }) => {
    await openBilling(page);
    await manageBillingForm(page).evaluate((form, customer) => {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = "customerId";
      input.value = customer;
      form.appendChild(input);
    }, companies.globex.customer);
    await page.getByRole("button", { name: "Manage Billing" }).click();
    await expect(alertOf(page)).toHaveAttribute("data-code", "invalid_request");
  });

  test("hostile return URLs are refused; allowed ones land back on this app", async ({ page }) => {
    await openBilling(page);
    await stripe.resetCounters();
    for (const returnUrl of hostileReturnUrls) {
      const res = await page.request.post("/api/portal", { data: { returnUrl }, failOnStatusCode: false });
      expect.soft(res.status(), returnUrl).toBe(400);
      expect.soft((await res.json()).code, returnUrl).toBe("invalid_return_url");
    }
    expect((await stripe.counters()).total).toBe(0);

    const res = await page.request.post("/api/portal", { data: { returnUrl: "/billing?after=portal" } });
    const { url } = (await res.json()) as { url: string };
    await page.goto(url);
    expect(await portalCustomer(page)).toBe(companies.acme.customer);
    await expect(page.getByTestId("portal-return")).toHaveAttribute("href", `${appUrl}/billing?after=portal`);
    await page.getByTestId("portal-return").click();
    await expect(page).toHaveURL(`${appUrl}/billing?after=portal`);
  });
});
