import type { CompanySummary } from "@/lib/billing/queries";
import { formatBrand, formatDate, formatDateTime, formatMoney } from "./format";

const badgeStyles: Record<string, string> = {
  active: "bg-emerald-100 text-emerald-800",
  trialing: "bg-sky-100 text-sky-800",
  past_due: "bg-red-100 text-red-800",
  unpaid: "bg-red-100 text-red-800",
  canceled: "bg-slate-200 text-slate-700",
  incomplete: "bg-amber-100 text-amber-800",
  incomplete_expired: "bg-slate-200 text-slate-700",
  paused: "bg-amber-100 text-amber-800",
};
const statusNames: Record<string, string> = {
  active: "Active",
  trialing: "Trialing",
  past_due: "Past due",
  unpaid: "Unpaid",
  canceled: "Canceled",
  incomplete: "Incomplete",
  incomplete_expired: "Expired",
  paused: "Paused",
};

// Everything here comes from the database, kept current by Stripe's webhooks.
export function BillingStatus({ company }: { company: CompanySummary }) {
  const sub = company.subscription;
  return (
    <div className="space-y-4">
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-500">Plan</dt>
        <dd data-testid="plan">
          {sub ? (
            <>
              {sub.planName ?? "Subscription"}
              {sub.amount !== null &&
                ` · ${formatMoney(sub.amount, sub.currency)}${sub.interval ? ` per ${sub.interval}` : ""}`}{" "}
              <span
                data-testid="subscription-status"
                className={`ml-1 rounded-full px-2 py-0.5 text-xs font-medium ${badgeStyles[sub.status] ?? "bg-slate-100"}`}
              >
                {statusNames[sub.status] ?? sub.status}
              </span>
            </>
          ) : (
            "No subscription"
          )}
        </dd>
        {sub && sub.status !== "canceled" && (sub.cancelAtPeriodEnd || sub.cancelAt) && (
          <>
            <dt className="text-slate-500">Cancellation</dt>
            <dd data-testid="cancels-on">Cancels on {formatDate((sub.cancelAt ?? sub.currentPeriodEnd)!)}</dd>
          </>
        )}
        {sub && sub.status !== "canceled" && !sub.cancelAtPeriodEnd && !sub.cancelAt && sub.currentPeriodEnd && (
          <>
            <dt className="text-slate-500">Renews</dt>
            <dd data-testid="renews-on">{formatDate(sub.currentPeriodEnd)}</dd>
          </>
        )}
        {sub?.status === "trialing" && sub.trialEnd && (
          <>
            <dt className="text-slate-500">Trial ends</dt>
            <dd data-testid="trial-ends">{formatDate(sub.trialEnd)}</dd>
          </>
        )}
        <dt className="text-slate-500">Card on file</dt>
        <dd data-testid="card">
          {company.card
            ? `${formatBrand(company.card.brand)} •••• ${company.card.last4}${company.card.expMonth ? `, expires ${String(company.card.expMonth).padStart(2, "0")}/${company.card.expYear}` : ""}`
            : "None"}
        </dd>
      </dl>
      {company.invoices.length > 0 && (
        <table className="w-full text-left text-sm" aria-label="Recent invoices">
          <thead className="text-slate-500">
            <tr>
              <th className="font-normal">Invoice</th>
              <th className="font-normal">Date</th>
              <th className="font-normal">Amount</th>
              <th className="font-normal">Status</th>
            </tr>
          </thead>
          <tbody>
            {company.invoices.map((inv) => (
              <tr key={inv.id} className="border-t border-slate-100">
                <td>
                  {inv.hostedInvoiceUrl ? (
                    <a className="text-indigo-700 underline" href={inv.hostedInvoiceUrl}>
                      {inv.number ?? inv.id}
                    </a>
                  ) : (
                    (inv.number ?? inv.id)
                  )}
                </td>
                <td>{formatDate(inv.createdAt)}</td>
                <td>{formatMoney(inv.status === "paid" ? inv.amountPaid : inv.amountDue, inv.currency)}</td>
                <td>{inv.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {company.syncedAt && (
        <p className="text-xs text-slate-500">Last updated from Stripe {formatDateTime(company.syncedAt)}</p>
      )}
    </div>
  );
}
