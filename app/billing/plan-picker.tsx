import type { CompanySummary } from "@/lib/billing/queries";
import { groupPlans, periodLabel, yearlySavingPercent } from "@/lib/billing/plans";
import { formatMoney } from "./format";
import { SubscribeForm } from "./subscribe-form";

// The plans a company without a live subscription can choose, from the catalog in Postgres.
// Billing managers get a Subscribe form per price; everyone else sees what is on offer.
export function PlanPicker({ company }: { company: CompanySummary }) {
  const plans = groupPlans(company.plans);
  return (
    <section aria-labelledby="plans-heading" className="space-y-3">
      <h3 id="plans-heading" className="text-sm font-semibold">
        Choose a plan
      </h3>
      <ul className="grid gap-3 sm:grid-cols-2">
        {plans.map((plan) => {
          const saving = yearlySavingPercent(plan);
          const trial = plan.options.find((o) => o.trialDays)?.trialDays;
          return (
            <li
              key={plan.productId}
              data-testid="plan-card"
              aria-label={plan.name}
              className="space-y-3 rounded-lg border border-slate-200 p-4"
            >
              <div>
                <p className="font-semibold">{plan.name}</p>
                {plan.description && <p className="text-sm text-slate-600">{plan.description}</p>}
              </div>
              <p className="text-sm" data-testid="plan-prices">
                {plan.options.map((o) => `${formatMoney(o.amount, o.currency)} per ${periodLabel(o)}`).join(" or ")}
                {saving && <span className="ml-1 text-emerald-700">(save {saving}% yearly)</span>}
              </p>
              {trial && (
                <p className="text-sm text-sky-800" data-testid="plan-trial">
                  {trial}-day free trial
                </p>
              )}
              {plan.features.length > 0 && (
                <ul className="list-inside list-disc text-sm text-slate-700">
                  {plan.features.map((f) => (
                    <li key={f}>{f}</li>
                  ))}
                </ul>
              )}
              {company.mayManageBilling && (
                <div className="space-y-2">
                  {plan.options.map((o) => (
                    <SubscribeForm
                      key={o.priceId}
                      companyId={company.id}
                      priceId={o.priceId}
                      label={`Choose ${plan.name} · ${formatMoney(o.amount, o.currency)} / ${periodLabel(o)}`}
                    />
                  ))}
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
