"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { currentClaims } from "@/lib/auth";
import type { BillingFailure } from "@/lib/billing/errors";
import { portalInputFromForm } from "@/lib/billing/input";
import { clickDeadline, createPortalSession } from "@/lib/billing/portal";

export type PortalFormState = { error?: BillingFailure };

// A public endpoint like any server action: it checks the session itself.
export async function openBillingPortal(_prev: PortalFormState, form: FormData): Promise<PortalFormState> {
  const deadline = clickDeadline();
  const userAgent = (await headers()).get("user-agent");
  const result = await createPortalSession(await currentClaims(), portalInputFromForm(form), { userAgent, deadline });
  if (!result.ok) return { error: result.error };
  redirect(result.url);
}
