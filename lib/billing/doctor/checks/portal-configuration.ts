import type Stripe from "stripe";
import { fail, pass, type DoctorCheck } from "@/lib/billing/doctor/types";

/** What the billing page offers, and the portal feature each needs. */
export function portalProblems(configuration: Stripe.BillingPortal.Configuration): string[] {
  const f = configuration.features;
  const problems: string[] = [];
  if (!configuration.active) problems.push("it is not active");
  if (!f.subscription_update.enabled) problems.push('"Change plan" needs subscription_update enabled');
  else if (!f.subscription_update.products?.length)
    problems.push('"Change plan" needs subscription_update to list the products (and prices) to switch between');
  if (!f.subscription_cancel.enabled) problems.push('"Cancel subscription" needs subscription_cancel enabled');
  if (!f.payment_method_update.enabled) problems.push('"Update payment method" needs payment_method_update enabled');
  if (!f.invoice_history.enabled) problems.push("the invoice list needs invoice_history enabled");
  return problems;
}

const DASHBOARD = "Dashboard → Settings → Billing → Customer portal (in the key's mode)";

export const portalConfigurationCheck: DoctorCheck = {
  id: "portal-configuration",
  title: "Portal configuration",
  needs: ["stripe-key"],
  async run(ctx) {
    const lookup = await ctx.portalConfiguration();
    const id = ctx.env.stripePortalConfigId;
    if (!lookup.configuration)
      return lookup.source === "env"
        ? fail(
            `STRIPE_PORTAL_CONFIG_ID names ${id}, which Stripe doesn't have (in this mode)`,
            "Set STRIPE_PORTAL_CONFIG_ID to an existing configuration (stripe billing_portal configurations list), or unset it to use the default one.",
          )
        : fail(
            "there is no default portal configuration: the Customer Portal settings were never saved",
            `Open ${DASHBOARD} and press Save, or set STRIPE_PORTAL_CONFIG_ID to a bpc_… configuration.`,
          );
    const { configuration } = lookup;
    const name = `${lookup.source === "env" ? "STRIPE_PORTAL_CONFIG_ID's" : "the default"} configuration ${configuration.id}`;
    const problems = portalProblems(configuration);
    if (!problems.length)
      return pass(`${name} is active and enables plan changes, cancellation, card updates and invoices`);
    return fail(
      `${name}: ${problems.join("; ")}`,
      lookup.source === "default"
        ? `In ${DASHBOARD}: turn these on (add your products under "Customers can switch plans"), then Save.`
        : `Update it: stripe billing_portal configurations update ${configuration.id} with the features named, or point STRIPE_PORTAL_CONFIG_ID at one that has them.`,
    );
  },
};
