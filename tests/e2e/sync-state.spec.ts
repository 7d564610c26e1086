// Owners and admins see on /billing when Stripe's last event reached the app for their company,
// and, when a live subscription's renewal is more than 48 hours overdue, a warning that says
// what to check. Billing managers and members see neither.
import type { Page } from "@playwright/test";
import { expect, openBilling, signedInAs, test } from "./fixtures";
import { realStripeTestMode } from "./stack";
import { companies, stripe, withDatabase } from "./support";

test.skip(realStripeTestMode, "the local suite needs the Stripe stand-in; unset STRIPE_SECRET_KEY to run it");
test.use({ storageState: signedInAs("owner@acme.test") });

const lastEvent = (page: Page) => page.getByTestId("last-stripe-event");
const outOfDate = (page: Page) => page.getByRole("region", { name: "Billing may be out of date" });

/** A Stripe change that alters nothing the page shows: a customer.updated event for Acme. */
async function acmeEvent() {
  await stripe.simulate(companies.acme.customer, "set_metadata", { metadata: { sync_probe: String(Date.now()) } });
  await stripe.flush();
}

/** Acme's current subscription with its period ended `ago` (a Postgres interval); the reset puts it back. */
async function acmePeriodEnded(ago: string) {
  const ended = await withDatabase(
    (sql) => sql`update public.billing_subscriptions set current_period_end = now() - ${ago}::interval
                 where stripe_subscription_id = (
                   select stripe_subscription_id from public.billing_subscriptions where company_id = ${companies.acme.id}
                   order by (status = 'canceled'), stripe_created_at desc limit 1)`,
  );
  expect(ended.count, "Acme has a subscription on file").toBe(1);
}

test("an owner sees when the last Stripe event arrived, the newest one recorded", async ({ page }) => {
  await acmeEvent();
  await openBilling(page);
  const [newest] = await withDatabase(
    (sql) => sql<{ at: Date }[]>`
      select max(received_at) as at from public.stripe_events where company_id = ${companies.acme.id}`,
  );
  await expect(lastEvent(page)).toContainText(/^Last Stripe event: [A-Z][a-z]{2} \d{1,2}, \d{4}, .+ UTC$/);
  await expect(lastEvent(page).locator("time")).toHaveAttribute("datetime", newest!.at.toISOString());
  await expect(outOfDate(page)).toHaveCount(0);
});

test("admins see it too; billing managers and members don't", async ({ pageAs }) => {
  for (const [email, sees] of [
    ["admin@acme.test", true],
    ["billing@acme.test", false],
    ["member@acme.test", false],
  ] as const) {
    const page = await pageAs(email);
    await expect(page.getByTestId("role")).toBeVisible();
    await expect(lastEvent(page), email).toHaveCount(sees ? 1 : 0);
  }
});

test("a renewal 3 days overdue warns owners, naming the doctor; a day late does not", async ({ page, pageAs }) => {
  await acmePeriodEnded("3 days");
  await openBilling(page);
  await expect(outOfDate(page)).toContainText("This page may be out of date.");
  await expect(outOfDate(page)).toContainText("npm run billing:doctor");
  await expect(outOfDate(page)).toContainText("npm run billing:reconcile");
  const member = await pageAs("member@acme.test");
  await expect(member.getByTestId("role")).toHaveText("Member");
  await expect(outOfDate(member)).toHaveCount(0);

  await acmePeriodEnded("1 day");
  await openBilling(page);
  await expect(lastEvent(page)).toBeVisible();
  await expect(outOfDate(page)).toHaveCount(0);
});
