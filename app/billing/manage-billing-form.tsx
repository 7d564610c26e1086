"use client";

import { useActionState } from "react";
import { openBillingPortal, type PortalFormState } from "./actions";
import { ErrorAlert } from "./error-alert";

// A plain <form action>: it submits before JavaScript loads, and with JavaScript it shows
// a pending state and the error without a page reload.
export function ManageBillingForm({ companyId }: { companyId: string }) {
  const [state, action, pending] = useActionState<PortalFormState, FormData>(openBillingPortal, {});
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="companyId" value={companyId} />
      {state.error && <ErrorAlert error={state.error} />}
      <button
        type="submit"
        disabled={pending}
        aria-busy={pending}
        className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white shadow-sm hover:bg-indigo-500 disabled:cursor-wait disabled:opacity-70"
      >
        {pending ? "Opening the billing portal…" : "Manage Billing"}
      </button>
    </form>
  );
}
