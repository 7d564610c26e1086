import type Stripe from "stripe";
import type { BillingFailure } from "@/lib/billing/errors";
import { failure } from "@/lib/billing/errors";
import type { PortalFlow } from "@/lib/billing/input";

export type SubscriptionOnFile = { id: string | null; status: string | null; cancelAtPeriodEnd: boolean | null };

// A company's one subscription: keep in step with private.is_live_subscription (SQL).
export const LIVE = ["active", "trialing", "past_due", "unpaid", "paused"];

/** Whether a deep link applies to this subscription; the page and the server agree on it. */
export function flowApplies(flow: PortalFlow, sub: SubscriptionOnFile): boolean {
  const live = !!sub.id && !!sub.status && LIVE.includes(sub.status);
  switch (flow) {
    case "payment_method_update":
      return true;
    case "subscription_cancel":
      return live && !sub.cancelAtPeriodEnd;
    case "subscription_update":
      return live && (sub.status === "active" || sub.status === "trialing");
  }
}

/** Stripe's flow_data for a deep link, returning to `returnUrl` once the task is done. */
export function flowData(
  flow: PortalFlow,
  sub: SubscriptionOnFile,
  returnUrl: string,
): { ok: true; flowData: Stripe.BillingPortal.SessionCreateParams.FlowData } | { ok: false; error: BillingFailure } {
  if (!flowApplies(flow, sub)) {
    const message =
      flow === "payment_method_update"
        ? undefined
        : flow === "subscription_cancel"
          ? "There is no active subscription to cancel."
          : "There is no active subscription to change.";
    return { ok: false, error: failure("invalid_request", message) };
  }
  const after_completion = { type: "redirect" as const, redirect: { return_url: returnUrl } };
  if (flow === "payment_method_update") return { ok: true, flowData: { type: flow, after_completion } };
  if (flow === "subscription_cancel")
    return { ok: true, flowData: { type: flow, subscription_cancel: { subscription: sub.id! }, after_completion } };
  return { ok: true, flowData: { type: flow, subscription_update: { subscription: sub.id! }, after_completion } };
}
