import "server-only";
import Stripe from "stripe";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { stripe } from "@/lib/stripe";
import type { DoctorContext, LinkedCustomer, PortalConfigurationLookup } from "@/lib/billing/doctor/types";

const once = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let answer: Promise<T> | undefined;
  return () => (answer ??= load());
};

const PRODUCTS = "features.subscription_update.products";

// Doctor runs are for people and CI, not clicks: a few customers at a time is plenty.
const CUSTOMER_READS_AT_ONCE = 5;

export function doctorContext(migrationsDir: string): DoctorContext {
  const e = env();
  const client = stripe();
  const sql = db();

  const portalConfiguration = once(async (): Promise<PortalConfigurationLookup> => {
    const source = e.stripePortalConfigId ? "env" : "default";
    try {
      // Stripe answers a configuration's products only when asked to (an includable field).
      const configuration = e.stripePortalConfigId
        ? await client.billingPortal.configurations.retrieve(e.stripePortalConfigId, { expand: [PRODUCTS] })
        : (await client.billingPortal.configurations.list({ is_default: true, limit: 1, expand: [`data.${PRODUCTS}`] }))
            .data[0];
      return configuration ? { configuration, source } : { configuration: null, source };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === "resource_missing")
        return { configuration: null, source, error };
      throw error;
    }
  });

  const linkedCustomers = once(async (): Promise<LinkedCustomer[]> => {
    const companies = await sql<{ id: string; name: string; customerId: string }[]>`
      select id, name, stripe_customer_id as "customerId" from public.companies
      where stripe_customer_id is not null order by name`;
    const out: LinkedCustomer[] = [];
    for (let i = 0; i < companies.length; i += CUSTOMER_READS_AT_ONCE) {
      const batch = companies.slice(i, i + CUSTOMER_READS_AT_ONCE);
      const found = await Promise.all(
        batch.map((c) => client.customers.retrieve(c.customerId).catch((error: unknown) => ({ error }))),
      );
      batch.forEach((c, j) =>
        out.push({ companyId: c.id, companyName: c.name, customerId: c.customerId, found: found[j]! }),
      );
    }
    return out;
  });

  return { env: e, stripe: client, sql, migrationsDir, portalConfiguration, linkedCustomers };
}
