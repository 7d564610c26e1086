"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { currentClaims } from "@/lib/auth";
import { SessionEndedError } from "@/lib/auth/session-ended";
import { failure, UnavailableError, type BillingFailure } from "@/lib/billing/errors";
import { portalInputFromForm } from "@/lib/billing/input";
import { createPortalSession } from "@/lib/billing/portal";

export type PortalFormState = { error?: BillingFailure };

// A public endpoint like any server action: it checks the session itself, and its arguments
// are whatever the caller sent (Next decodes any JSON value), not necessarily the page's form.
export async function openBillingPortal(_prev: unknown, form: unknown): Promise<PortalFormState> {
  if (!(form instanceof FormData))
    return { error: failure("invalid_request", "Send the billing page's form: companyId and, optionally, flow.") };
  const userAgent = (await headers()).get("user-agent");
  let result;
  try {
    result = await createPortalSession(await currentClaims(), portalInputFromForm(form), { userAgent });
  } catch (err) {
    if (err instanceof SessionEndedError) return { error: failure("unauthenticated") };
    if (err instanceof UnavailableError) return { error: { code: err.code, message: err.message } };
    throw err;
  }
  if (!result.ok) return { error: result.error };
  redirect(result.url);
}
