import { billingErrors } from "@/lib/billing/errors";
import { flowApplies } from "@/lib/billing/flows";
import type { CompanySummary } from "@/lib/billing/queries";
import { AuditList } from "./audit-list";
import { BillingStatus } from "./billing-status";
import { ManageBillingForm } from "./manage-billing-form";
import { PlanPicker } from "./plan-picker";
import { SyncState } from "./sync-state";

const roleNames = { owner: "Owner", admin: "Admin", billing: "Billing manager", member: "Member" } as const;

export function CompanyBilling({ company }: { company: CompanySummary }) {
  const manager = company.mayManageBilling;
  const sub = {
    id: company.subscription?.id ?? null,
    status: company.subscription?.status ?? null,
    cancelAtPeriodEnd: company.subscription?.cancelAtPeriodEnd ?? null,
  };
  const pastDue = company.subscription?.status === "past_due" || company.subscription?.status === "unpaid";
  const portal = manager && company.hasBillingAccount;
  const plansShown = !company.hasLiveSubscription && company.plans.length > 0;
  const managersCan =
    [plansShown && "choose a plan", company.hasBillingAccount && "open the billing portal"]
      .filter(Boolean)
      .join(" or ") || "manage billing";
  return (
    <section
      aria-labelledby="company-name"
      className="space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
    >
      <div>
        <h2 id="company-name" className="text-lg font-semibold">
          {company.name}
        </h2>
        <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-500">Your role</dt>
          <dd data-testid="role">{roleNames[company.role]}</dd>
          <dt className="text-slate-500">Billing account</dt>
          <dd data-testid="billing-status">
            {!company.hasBillingAccount
              ? "None yet"
              : company.customerDeleted
                ? "Deleted in Stripe"
                : "On file with Stripe"}
          </dd>
        </dl>
      </div>

      {pastDue && (
        <div
          role="region"
          aria-label="Payment overdue"
          className="space-y-3 rounded-md border border-red-300 bg-red-50 p-4 text-sm text-red-900"
        >
          <p className="font-semibold">
            The last payment failed. Update the payment method to keep {company.name}&apos;s subscription running.
          </p>
          {portal ? (
            <ManageBillingForm
              companyId={company.id}
              flow="payment_method_update"
              label="Update payment method now"
              variant="danger"
            />
          ) : (
            <p>Ask an owner, an admin or a billing manager to update it.</p>
          )}
        </div>
      )}

      {company.hasBillingAccount && <BillingStatus company={company} />}

      {portal && (
        <div className="flex flex-wrap items-start gap-3">
          <ManageBillingForm companyId={company.id} />
          {!pastDue && (
            <ManageBillingForm
              companyId={company.id}
              flow="payment_method_update"
              label="Update payment method"
              variant="secondary"
            />
          )}
          {flowApplies("subscription_update", sub) && (
            <ManageBillingForm
              companyId={company.id}
              flow="subscription_update"
              label="Change plan"
              variant="secondary"
            />
          )}
          {flowApplies("subscription_cancel", sub) && (
            <ManageBillingForm
              companyId={company.id}
              flow="subscription_cancel"
              label="Cancel subscription"
              variant="secondary"
            />
          )}
        </div>
      )}
      {plansShown && <PlanPicker company={company} />}
      {manager && !company.hasBillingAccount && (
        <p
          role="note"
          data-code="no_billing_account"
          className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-700"
        >
          {billingErrors.no_billing_account.message}
        </p>
      )}
      {!manager && (
        <div role="note" className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          <p>
            Only owners, admins and billing managers can {managersCan}. You are a member of {company.name}.
          </p>
          {company.contacts.length > 0 && (
            <p className="mt-1">
              Ask{" "}
              {company.contacts.map((c, i) => (
                <span key={c.email}>
                  {i > 0 && ", "}
                  <a className="underline" href={`mailto:${c.email}`}>
                    {c.email}
                  </a>{" "}
                  ({roleNames[c.role].toLowerCase()})
                </span>
              ))}
              .
            </p>
          )}
        </div>
      )}
      {company.maySeeAudit && company.hasBillingAccount && <SyncState company={company} />}
      {company.maySeeAudit && company.hasBillingAccount && <AuditList entries={company.audit} />}
    </section>
  );
}
