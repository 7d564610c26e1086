import Stripe from "stripe";
import { fail, pass, type DoctorCheck, type LinkedCustomer } from "@/lib/billing/doctor/types";
import { stripeAccessProblem } from "@/lib/billing/doctor/checks/stripe-problem";

/** Linked companies whose customer Stripe deleted or doesn't have (another mode is the mode check's). */
export function lostCustomers(customers: LinkedCustomer[]): { customer: LinkedCustomer; why: string }[] {
  const lost: { customer: LinkedCustomer; why: string }[] = [];
  for (const c of customers) {
    const found = c.found;
    if ("error" in found) {
      const err = found.error;
      const missing = err instanceof Stripe.errors.StripeInvalidRequestError && err.code === "resource_missing";
      if (missing && !/similar object exists in (live|test) mode/.test(err.message))
        lost.push({ customer: c, why: "Stripe has no such customer" });
      else if (!missing) throw err;
    } else if ("deleted" in found && found.deleted) lost.push({ customer: c, why: "deleted in Stripe" });
  }
  return lost;
}

export const customersCheck: DoctorCheck = {
  id: "customers",
  title: "Linked customers",
  needs: ["stripe-key", "migrations"],
  async run(ctx) {
    const customers = await ctx.linkedCustomers();
    let lost;
    try {
      lost = lostCustomers(customers);
    } catch (err) {
      const problem = stripeAccessProblem(err);
      if (problem) return problem;
      throw err;
    }
    if (!lost.length) return pass(`all ${customers.length} companies with a customer id have a live Stripe customer`);
    return fail(
      lost.map(({ customer: c, why }) => `${c.companyName} is linked to ${c.customerId}: ${why}`).join("; "),
      "Relink each to its live customer, then read it again:\n" +
        lost
          .map(
            ({ customer: c }) =>
              `update companies set stripe_customer_id = 'cus_…' where id = '${c.companyId}';  -- ${c.companyName}, or = null to let it subscribe anew`,
          )
          .join("\n") +
        "\nnpm run billing:sync",
    );
  },
};
