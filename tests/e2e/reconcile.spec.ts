// Events lost on their way to the app (the stand-in drops them on purpose) leave /billing showing
// the old state; Vercel Cron's GET /api/cron/reconcile replays what Stripe failed to deliver and
// the page shows Stripe's state again.
import { LOCAL_CRON_SECRET } from "../../dev/local-stack.ts";
import { expect, openBilling, signedInAs, test } from "./fixtures";
import { realStripeTestMode } from "./stack";
import { companies, stripe } from "./support";

test.skip(realStripeTestMode, "the local suite needs the Stripe stand-in; unset STRIPE_SECRET_KEY to run it");
test.use({ storageState: signedInAs("owner@acme.test") });

test("a company whose events were dropped shows stale state until the cron reconcile replays them", async ({
  page,
  request,
}) => {
  await stripe.webhookFaults("drop", 3);
  const { events } = await stripe.simulate(companies.acme.customer, "payment_failed");
  expect(events.map((e) => e.type)).toEqual([
    "invoice.finalized",
    "invoice.payment_failed",
    "customer.subscription.updated",
  ]);
  await stripe.flush();
  const deliveries = await stripe.deliveries();
  expect(deliveries.filter((d) => events.some((e) => e.id === d.event)).map((d) => d.attempts[0]?.status)).toEqual([
    "dropped",
    "dropped",
    "dropped",
  ]);

  await openBilling(page);
  await expect(page.getByTestId("subscription-status")).toHaveText("Active");
  await expect(page.getByRole("region", { name: "Payment overdue" })).toHaveCount(0);

  const refused = await request.get("/api/cron/reconcile", { failOnStatusCode: false });
  expect(refused.status()).toBe(401);
  const run = await request.get("/api/cron/reconcile", { headers: { authorization: `Bearer ${LOCAL_CRON_SECRET}` } });
  expect(run.status()).toBe(200);
  expect(await run.json()).toMatchObject({ replay: { listed: 3, outcomes: { applied: 3 } } });

  await page.reload();
  await expect(page.getByTestId("subscription-status")).toHaveText("Past due");
  await expect(page.getByRole("region", { name: "Payment overdue" })).toContainText("The last payment failed");
});
