"use server";

import { createPortalSession } from "@/lib/billing/portal";
import { type BillingFormState, runBillingFormAction } from "@/lib/http/billing-form-action";

export type PortalFormState = BillingFormState;

export async function openBillingPortal(_prev: unknown, form: unknown): Promise<PortalFormState> {
  return runBillingFormAction(form, "companyId and, optionally, flow", createPortalSession);
}
