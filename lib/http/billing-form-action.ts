import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { type Claims, currentClaims } from "@/lib/auth";
import { SessionEndedError } from "@/lib/auth/session-ended";
import { type BillingFailure, failure, unavailable, UnavailableError } from "@/lib/billing/errors";
import { clickDeadline } from "@/lib/click-deadline";
import { inputFromForm } from "@/lib/billing/client-input";
import type { RequestContext } from "@/lib/http/billing-post";

export type BillingFormState = { error?: BillingFailure };
type Outcome = { ok: true; url: string } | { ok: false; error: BillingFailure };

/**
 * What every billing server action does around its one lib call. A server action is a public
 * endpoint: it checks the session itself, and its argument is whatever the caller sent (Next
 * decodes any JSON value), not necessarily the page's form. Success redirects to Stripe; a
 * refusal, a signed-out session or a dependency that is down comes back as the form's error.
 */
export async function runBillingFormAction(
  form: unknown,
  fields: string,
  run: (claims: Claims | null, input: unknown, ctx: RequestContext) => Promise<Outcome>,
): Promise<BillingFormState> {
  const deadline = clickDeadline();
  if (!(form instanceof FormData))
    return { error: failure("invalid_request", `Send the billing page's form: ${fields}.`) };
  const userAgent = (await headers()).get("user-agent");
  let result;
  try {
    result = await run(await currentClaims(), inputFromForm(form), { userAgent, deadline });
  } catch (err) {
    if (err instanceof SessionEndedError) return { error: failure("unauthenticated") };
    if (err instanceof UnavailableError) return { error: unavailable(err.code) };
    throw err;
  }
  if (!result.ok) return { error: result.error };
  redirect(result.url);
}
