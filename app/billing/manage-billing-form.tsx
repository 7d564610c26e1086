"use client";

import { useActionState } from "react";
import type { PortalFlow } from "@/lib/billing/input";
import { openBillingPortal, type PortalFormState } from "./actions";
import { ErrorAlert } from "./error-alert";

const styles = {
  primary: "bg-indigo-600 text-white shadow-sm hover:bg-indigo-500",
  secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50",
  danger: "bg-red-700 text-white shadow-sm hover:bg-red-600",
};

// A plain <form action>: it submits before JavaScript loads, and with JavaScript it shows
// a pending state and the error without a page reload.
export function ManageBillingForm({
  companyId,
  flow,
  label = "Manage Billing",
  variant = "primary",
}: {
  companyId: string;
  flow?: PortalFlow;
  label?: string;
  variant?: keyof typeof styles;
}) {
  const [state, action, pending] = useActionState<PortalFormState, FormData>(openBillingPortal, {});
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="companyId" value={companyId} />
      {flow && <input type="hidden" name="flow" value={flow} />}
      {state.error && <ErrorAlert error={state.error} />}
      <button
        type="submit"
        disabled={pending}
        aria-busy={pending}
        className={`rounded-md px-4 py-2 text-sm font-medium disabled:cursor-wait disabled:opacity-70 ${styles[variant]}`}
      >
        {pending ? "Opening the billing portal…" : label}
      </button>
    </form>
  );
}
