import type { BillingFailure } from "@/lib/billing/errors";

export function ErrorAlert({ error }: { error: BillingFailure }) {
  return (
    <div
      role="alert"
      data-code={error.code}
      className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
    >
      {error.message}
    </div>
  );
}
