"use server";

import { startCheckout } from "@/lib/billing/checkout";
import { type BillingFormState, runBillingFormAction } from "@/lib/http/billing-form-action";

export type SubscribeFormState = BillingFormState;

export async function startSubscription(_prev: unknown, form: unknown): Promise<SubscribeFormState> {
  return runBillingFormAction(form, "companyId and price", startCheckout);
}
