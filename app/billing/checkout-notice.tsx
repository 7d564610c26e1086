import type { CheckoutReturn } from "@/lib/billing/checkout-return";
import { ErrorAlert } from "./error-alert";

const note = "rounded-md border p-3 text-sm";

// What happened at Stripe Checkout, said once on the way back. The plan and its status below
// come from the database, written before this page rendered.
export function CheckoutNotice({ result }: { result: CheckoutReturn }) {
  if (result.kind === "canceled")
    return (
      <p role="status" data-testid="checkout-notice" className={`${note} border-slate-200 bg-slate-50 text-slate-700`}>
        No plan was chosen.
      </p>
    );
  if (result.kind === "failed") return <ErrorAlert error={result.error} />;
  if (result.kind === "not_completed")
    return (
      <p role="status" data-testid="checkout-notice" className={`${note} border-slate-200 bg-slate-50 text-slate-700`}>
        {result.expired
          ? "That checkout expired before it was completed. No plan was chosen."
          : "That checkout isn't completed yet. No plan was chosen."}
      </p>
    );
  const message =
    result.status === "trialing"
      ? "Your trial has started."
      : result.status === "active"
        ? "You're subscribed. Thank you!"
        : "Stripe is still confirming the payment. The plan shows here once it does.";
  return (
    <p
      role="status"
      data-testid="checkout-notice"
      className={`${note} border-emerald-200 bg-emerald-50 text-emerald-900`}
    >
      {message}
    </p>
  );
}
