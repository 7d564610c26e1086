import type Stripe from "stripe";
import { fail, pass, type DoctorCheck, type LinkedCustomer } from "@/lib/billing/doctor/types";
import { keyMode } from "@/lib/billing/doctor/checks/stripe-key";

type Mode = "test" | "live";
const modeOf = (livemode: boolean): Mode => (livemode ? "live" : "test");

/**
 * Where test and live disagree. A test key cannot even see a live object: Stripe answers
 * "No such customer … a similar object exists in live mode", which says the same.
 */
export function modeProblems(
  mode: Mode,
  configuration: Stripe.BillingPortal.Configuration | null,
  customers: LinkedCustomer[],
): string[] {
  const problems: string[] = [];
  if (configuration && modeOf(configuration.livemode) !== mode)
    problems.push(`the portal configuration ${configuration.id} is a ${modeOf(configuration.livemode)}-mode object`);
  for (const c of customers) {
    const found = c.found;
    if ("error" in found) {
      const other = /similar object exists in (live|test) mode/.exec(String((found.error as Error)?.message))?.[1];
      if (other) problems.push(`${c.companyName} is linked to ${c.customerId}, which exists only in ${other} mode`);
    } else if ("livemode" in found && modeOf(found.livemode) !== mode)
      problems.push(`${c.companyName}'s customer ${c.customerId} is a ${modeOf(found.livemode)}-mode customer`);
  }
  return problems;
}

export const stripeModeCheck: DoctorCheck = {
  id: "stripe-mode",
  title: "Test or live, throughout",
  needs: ["stripe-key", "migrations"],
  async run(ctx) {
    const mode = keyMode(ctx.env.stripeSecretKey);
    const [{ configuration }, customers] = await Promise.all([ctx.portalConfiguration(), ctx.linkedCustomers()]);
    const problems = modeProblems(mode, configuration, customers);
    if (!problems.length)
      return pass(`the key, the portal configuration and ${customers.length} linked customers are all ${mode} mode`);
    return fail(
      `STRIPE_SECRET_KEY is a ${mode}-mode key, but ${problems.join("; ")}`,
      "Use one mode throughout: sk_test_… with test-mode customers and configuration (development), sk_live_… with live ones (production). " +
        "Relink a company to a customer of the key's mode: update companies set stripe_customer_id = 'cus_…' where id = '<company id>'; then npm run billing:sync.",
    );
  },
};
