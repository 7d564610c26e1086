"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { currentClaims } from "@/lib/auth";
import { startCheckout } from "@/lib/billing/checkout";
import type { BillingFailure } from "@/lib/billing/errors";
import { portalInputFromForm } from "@/lib/billing/input";

export type SubscribeFormState = { error?: BillingFailure };

// A public endpoint like any server action: it checks the session itself.
export async function startSubscription(_prev: SubscribeFormState, form: FormData): Promise<SubscribeFormState> {
  const userAgent = (await headers()).get("user-agent");
  const result = await startCheckout(await currentClaims(), portalInputFromForm(form), { userAgent });
  if (!result.ok) return { error: result.error };
  redirect(result.url);
}
