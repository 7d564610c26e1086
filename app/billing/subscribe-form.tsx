"use client";

import { useActionState } from "react";
import { startSubscription, type SubscribeFormState } from "./checkout-actions";
import { ErrorAlert } from "./error-alert";

// One plan price, one plain <form action>: it submits before JavaScript loads, and with
// JavaScript it shows a pending state and the error without a page reload.
export function SubscribeForm({ companyId, priceId, label }: { companyId: string; priceId: string; label: string }) {
  const [state, action, pending] = useActionState<SubscribeFormState, FormData>(startSubscription, {});
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="companyId" value={companyId} />
      <input type="hidden" name="price" value={priceId} />
      {state.error && <ErrorAlert error={state.error} />}
      <button
        type="submit"
        disabled={pending}
        aria-busy={pending}
        className="w-full rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 disabled:cursor-wait disabled:opacity-70"
      >
        {pending ? "Opening Stripe Checkout…" : label}
      </button>
    </form>
  );
}
