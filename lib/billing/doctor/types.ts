import type postgres from "postgres";
import type Stripe from "stripe";
import type { ServerEnv } from "@/lib/env";

export type CheckStatus = "pass" | "warn" | "fail" | "skip";

/** What one check found; a problem always says how to fix it. */
export type CheckResult =
  { status: "pass" | "skip"; summary: string } | { status: "warn" | "fail"; summary: string; fix: string };

export type DoctorCheck = {
  id: string;
  title: string;
  /** Checks whose failure makes this one meaningless: it is skipped, naming them. */
  needs?: string[];
  run(ctx: DoctorContext): Promise<CheckResult>;
};

export type LinkedCustomer = {
  companyId: string;
  companyName: string;
  customerId: string;
  /** What Stripe answered: the customer, its tombstone, or the error. */
  found: Stripe.Customer | Stripe.DeletedCustomer | { error: unknown };
};

export type PortalConfigurationLookup =
  | { configuration: Stripe.BillingPortal.Configuration; source: "env" | "default" }
  | { configuration: null; source: "env" | "default"; error?: unknown };

/**
 * What the checks share. Stripe and the database are asked once per run whatever the number
 * of checks that read the answer (memoized loaders).
 */
export type DoctorContext = {
  env: ServerEnv;
  stripe: Stripe;
  sql: postgres.Sql;
  migrationsDir: string;
  portalConfiguration(): Promise<PortalConfigurationLookup>;
  linkedCustomers(): Promise<LinkedCustomer[]>;
};

export const pass = (summary: string): CheckResult => ({ status: "pass", summary });
export const fail = (summary: string, fix: string): CheckResult => ({ status: "fail", summary, fix });
export const warn = (summary: string, fix: string): CheckResult => ({ status: "warn", summary, fix });
export const skip = (summary: string): CheckResult => ({ status: "skip", summary });
