import type { CompanySummary } from "@/lib/billing/queries";
import { formatDate, formatDateTime } from "./format";

// For owners and admins: whether Stripe's events still reach the app for this company, and
// what to check when they seem not to.
export function SyncState({ company }: { company: CompanySummary }) {
  const sub = company.subscription;
  return (
    <div className="space-y-2 text-xs text-slate-500">
      <p data-testid="last-stripe-event">
        Last Stripe event:{" "}
        {company.lastEventAt ? (
          <time dateTime={new Date(company.lastEventAt).toISOString()}>{formatDateTime(company.lastEventAt)}</time>
        ) : (
          "none received yet"
        )}
      </p>
      {sub?.renewalOverdue && sub.currentPeriodEnd && (
        <div
          role="region"
          aria-label="Billing may be out of date"
          className="space-y-1 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900"
        >
          <p className="font-semibold">This page may be out of date.</p>
          <p>
            Stripe should have renewed or ended this subscription on {formatDate(sub.currentPeriodEnd)}, and no event
            about it has reached the app since. Ask whoever runs this app to run <code>npm run billing:doctor</code>: it
            checks the webhook endpoint, its signing secret and recent deliveries.{" "}
            <code>npm run billing:reconcile</code> then reads the current state from Stripe.
          </p>
        </div>
      )}
    </div>
  );
}
