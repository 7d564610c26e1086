import "server-only";
import type Stripe from "stripe";
import type { Deadline } from "@/lib/deadline";
import { errorFields, log } from "@/lib/log";
import { callStripeWithin, stripe } from "@/lib/stripe";
import type { BillingFailure } from "@/lib/billing/errors";
import { failureFromStripe } from "@/lib/billing/stripe-errors";

/** The one Stripe call of a click, within what is left of its deadline; logged either way. */
export async function openStripePortal(req: {
  params: Stripe.BillingPortal.SessionCreateParams;
  idempotencyKey: string;
  log: { userId: string; companyId: string; flow: string | null };
  deadline: Deadline;
}): Promise<{ ok: true; url: string } | { ok: false; error: BillingFailure }> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const session = await callStripeWithin(req.deadline, (options) =>
      stripe().billingPortal.sessions.create(req.params, { idempotencyKey: req.idempotencyKey, ...options }),
    );
    log.info("portal.session_created", { ...req.log, ms: ms() });
    return { ok: true, url: session.url };
  } catch (err) {
    const error = failureFromStripe(err);
    log.warn("portal.stripe_failed", { ...req.log, code: error.code, ms: ms(), ...errorFields(err) });
    return { ok: false, error };
  }
}
